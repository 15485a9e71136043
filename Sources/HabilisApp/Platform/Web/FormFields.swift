/// How a form writes its fields and what was refused in them: the label, message and ARIA state of each field
/// written in one place, so that every form ties them together the same way.
extension FormErrors {
    /// The message of one field, or nil when it is valid.
    subscript(field: String) -> String? { byField[field] }

    /// ` field-error`, added to the class of a field's block when the field was refused.
    func writeErrorClass(of field: StaticString, to html: inout HTMLWriter) {
        if self[field.description] != nil { html.markup(" field-error") }
    }

    /// The message of a refused field, above its input, which names it in `aria-describedby`.
    func writeMessage(of field: StaticString, to html: inout HTMLWriter) {
        guard let message = self[field.description] else { return }
        html.markup("<p class=\"error-message\" id=\"")
        html.markup(field)
        html.markup("-error\"><span class=\"visually-hidden\">Erreur : </span>")
        html.text(message)
        html.markup("</p>")
    }

    /// `aria-invalid` and `aria-describedby` on the input of a refused field.
    func writeInvalidState(of field: StaticString, to html: inout HTMLWriter) {
        guard self[field.description] != nil else { return }
        html.markup(" aria-invalid=\"true\" aria-describedby=\"")
        html.markup(field)
        html.markup("-error\"")
    }

    /// One field of a form, as RGAA wants it tied together: its block (marked when refused), its label, the refusal
    /// message, and the control that `control` writes (which calls `writeInvalidState` inside its tag).
    func writeField(
        _ field: StaticString, label: StaticString, to html: inout HTMLWriter, control: (inout HTMLWriter) -> Void
    ) {
        html.markup("<div class=\"field")
        writeErrorClass(of: field, to: &html)
        html.markup("\">\n<label for=\"")
        html.markup(field)
        html.markup("\">")
        html.markup(label)
        html.markup("</label>\n")
        writeMessage(of: field, to: &html)
        html.markup("\n")
        control(&html)
        html.markup("</div>\n")
    }

    /// A one-line field: `<input type="…">` holding `value`, with `attributes` (` autocomplete="email"`…) after it;
    /// `numeric` asks phones for their number keyboard (a text input: the server checks the number and says why).
    func writeInputField(
        _ field: StaticString, label: StaticString, type: StaticString = "text", numeric: Bool = false,
        value: String?, attributes: StaticString = "", to html: inout HTMLWriter
    ) {
        writeField(field, label: label, to: &html) { html in
            html.markup("<input type=\"")
            html.markup(type)
            html.markup(numeric ? "\" inputmode=\"numeric\" id=\"" : "\" id=\"")
            html.markup(field)
            html.markup("\" name=\"")
            html.markup(field)
            html.markup("\" value=\"")
            html.attribute(value)
            html.markup("\"")
            html.markup(attributes)
            writeInvalidState(of: field, to: &html)
            html.markup(">\n")
        }
    }

    /// The summary at the top of a form that was refused: each message links to its field.
    func write(to html: inout HTMLWriter) {
        guard !isEmpty else { return }
        html.markup(
            "<div class=\"error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\"")
        html.markup(" autofocus>\n<h2 id=\"error-summary-title\">Le formulaire contient une erreur</h2>\n<ul>\n")
        for error in list {
            html.markup("<li><a href=\"#")
            html.attribute(error.field)
            html.markup("\">")
            html.text(error.message)
            html.markup("</a></li>\n")
        }
        html.markup("</ul>\n</div>\n")
    }

    /// A position in a list (the catalogue, the FAQ, the newsletters) from 0 to 10,000, or the field's message.
    mutating func position(_ text: String?, field: String) -> Int? {
        guard let position = Int((text ?? "").trimmingCharacters(in: .whitespaces)), (0...10_000).contains(position)
        else {
            add(field, "Indiquez un numéro d’ordre entre 0 et 10 000.")
            return nil
        }
        return position
    }

    /// A new password and its confirmation; the password names the rule written above it (`#password-rule`).
    func writeNewPasswordFields(
        password label: StaticString, confirmation confirmationLabel: StaticString, to html: inout HTMLWriter
    ) {
        writeField("password", label: label, to: &html) { html in
            html.markup("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"new-password\"")
            html.markup(" aria-describedby=\"")
            if self["password"] != nil { html.markup("password-error ") }
            html.markup(" password-rule\"")
            if self["password"] != nil { html.markup(" aria-invalid=\"true\"") }
            html.markup(">\n")
        }
        writeField("confirmation", label: confirmationLabel, to: &html) { html in
            html.markup(
                "<input type=\"password\" id=\"confirmation\" name=\"confirmation\" autocomplete=\"new-password\"")
            writeInvalidState(of: "confirmation", to: &html)
            html.markup(">\n")
        }
    }
}
