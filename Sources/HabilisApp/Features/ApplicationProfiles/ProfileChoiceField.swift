/// The profile asked for on the confirmation step: the choice among those the agent does not hold, with each
/// description, and what happens to the profile held; a renewal only names its profile.
struct ProfileChoiceField {
    struct Option {
        let code: String
        let label: String
        let description: String
        let isChosen: Bool
    }

    let options: [Option]
    /// The labels of the profiles held, « Consultation ».
    let held: [String]
    /// What a granted change does to the profile held.
    let replaces: Bool
    /// A renewal: the profile renewed, not a choice.
    let renewed: String?

    func write(to html: inout HTMLWriter, errors: FormErrors) {
        if let renewed {
            html.markup("<p>Profil renouvelé : <strong>")
            html.text(renewed)
            html.markup("</strong>.</p>\n")
            return
        }
        html.markup("<fieldset id=\"profil\"")
        if errors["profil"] != nil { html.markup(" class=\"field-error\"") }
        html.markup(">\n<legend>Profil demandé</legend>\n")
        if !held.isEmpty {
            html.markup("<p class=\"hint\">Vous détenez déjà le profil « ")
            html.text(held.joined(separator: " », « "))
            html.markup(
                replaces
                    ? " ». Accepté, le profil demandé le remplacera.</p>\n"
                    : " ». Accepté, le profil demandé s’y ajoutera.</p>\n")
        }
        errors.writeMessage(of: "profil", to: &html)
        for (index, option) in options.enumerated() {
            html.markup("<div class=\"choice\"><input type=\"radio\" name=\"profil\" id=\"profil-")
            html.text(index)
            html.markup("\" value=\"")
            html.attribute(option.code)
            html.markup("\" aria-describedby=\"profil-")
            html.text(index)
            html.markup("-description\"")
            if option.isChosen { html.markup(" checked") }
            html.markup("> <label class=\"inline\" for=\"profil-")
            html.text(index)
            html.markup("\">")
            html.text(option.label)
            html.markup("</label>\n<p class=\"hint\" id=\"profil-")
            html.text(index)
            html.markup("-description\">")
            html.text(option.description.isEmpty ? "Sans description." : option.description)
            html.markup("</p></div>\n")
        }
        html.markup("</fieldset>\n")
    }
}

extension ProfileChoiceField {
    init?(preview: AccessRequestService.Preview, renewing: Bool) {
        guard !preview.profiles.all.isEmpty else { return nil }
        let chosen = preview.profile?.code
        options = preview.profiles.offered.map {
            Option(code: $0.code, label: $0.label, description: $0.summary, isChosen: $0.code == chosen)
        }
        held = preview.profiles.held.map(\.label)
        replaces = preview.application.profileChange == .replace
        renewed = renewing ? preview.profile?.label : nil
    }
}
