import Foundation

/// « Absences et suppléance ».
struct AbsencesPage {
    /// One absence, current or to come.
    struct Row {
        let firstDay: String
        let lastDay: String
        /// « Paul Martin (p.martin@…) », nil without a deputy.
        let deputy: String?
        let hasBegun: Bool
        let endURL: String
    }

    let frame: PageFrame
    let heading: String
    let isOwn: Bool
    /// Only correspondents declare absences; a deputy who is not one sees whom they stand in for.
    let canDeclare: Bool
    /// « Marie Durand, jusqu’au 21 mars 2026 », for each correspondent the viewer stands in for now.
    let standsInFor: [String]
    let absences: [Row]
    let action: String
    let form: AbsenceForm
    let errors: FormErrors
}

extension AbsencesPage: HTMLPage {
    func write(to html: inout HTMLWriter) {
        frame.write(to: &html) { html in
            html.markup("<h1>")
            html.text(heading)
            html.markup("</h1>\n")
            errors.write(to: &html)
            for person in standsInFor {
                html.markup("<p class=\"notice\">Vous suppléez ")
                html.text(person)
                html.markup(" : ses demandes à traiter et ses revues vous reviennent.</p>\n")
            }
            guard canDeclare else {
                if standsInFor.isEmpty {
                    html.markup("<p>Seuls les correspondants locaux déclarent leurs absences.</p>\n")
                }
                return
            }
            html.markup("<p>Pendant une absence, le suppléant voit et décide les demandes, reçoit les notifications ")
            html.markup("et les rappels, et mène les revues d’habilitations à la place du correspondant. Sans ")
            html.markup("suppléant, les autres correspondants de l’organisme s’en chargent ; s’il n’en reste aucun, ")
            html.markup("les demandes sont adressées aux administrateurs.</p>\n")
            html.markup("<h2>Absences en cours et à venir</h2>\n")
            writeAbsences(to: &html)
            html.markup("<h2>Déclarer une absence</h2>\n")
            frame.writeFormStart(action: action, to: &html)
            errors.writeInputField("du", label: "Premier jour d’absence", type: "date", value: form.du, to: &html)
            errors.writeInputField("au", label: "Dernier jour d’absence", type: "date", value: form.au, to: &html)
            errors.writeField("suppleant", label: "Adresse e-mail du suppléant (facultatif)", to: &html) { html in
                html.markup("<p class=\"hint\" id=\"suppleant-hint\">")
                html.markup(
                    isOwn
                        ? "Un autre correspondant local de votre organisme."
                        : "Un autre correspondant local, ou tout agent actif de l’organisme.")
                html.markup("</p>\n<input type=\"email\" id=\"suppleant\" name=\"suppleant\" value=\"")
                html.attribute(form.suppleant)
                html.markup("\" autocomplete=\"off\"")
                if errors["suppleant"] != nil {
                    html.markup(" aria-invalid=\"true\" aria-describedby=\"suppleant-error suppleant-hint\"")
                } else {
                    html.markup(" aria-describedby=\"suppleant-hint\"")
                }
                html.markup(">\n")
            }
            html.markup("<div class=\"actions\"><button type=\"submit\">Déclarer l’absence</button></div>\n</form>\n")
        }
    }

    private func writeAbsences(to html: inout HTMLWriter) {
        guard !absences.isEmpty else {
            html.markup("<p>Aucune absence déclarée.</p>\n")
            return
        }
        html.markup("<ul class=\"grants\">\n")
        for absence in absences {
            html.markup("<li><p>Du ")
            html.text(absence.firstDay)
            html.markup(" au ")
            html.text(absence.lastDay)
            html.markup(" — ")
            if let deputy = absence.deputy {
                html.markup("suppléant : ")
                html.text(deputy)
            } else {
                html.markup("sans suppléant")
            }
            html.markup("</p>\n")
            frame.writeFormStart(action: absence.endURL, to: &html)
            html.markup("<button type=\"submit\" class=\"secondary\">")
            html.markup(absence.hasBegun ? "Mettre fin à l’absence du " : "Annuler l’absence du ")
            html.text(absence.firstDay)
            html.markup("</button>\n</form></li>\n")
        }
        html.markup("</ul>\n")
    }
}
