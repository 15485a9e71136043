import Foundation

/// Checks free text typed in a form: bounded length, no control or bidirectional-override characters.
/// Text is refused with a message, never cut or cleaned silently.
enum TextInput {
    /// The French message for `text`, or nil when it is acceptable. `label` names the field in the message.
    static func problem(
        _ text: String, label: String, maximum: Int, required: Bool, multiline: Bool = false
    )
        -> String?
    {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            return required ? "Renseignez \(label)." : nil
        }
        if trimmed.count > maximum {
            return "\(label.prefix(1).uppercased() + label.dropFirst()) ne doit pas dépasser "
                + "\(maximum.formatted(.number.locale(Locale(identifier: "fr_FR")))) caractères "
                + "(\(trimmed.count) saisis)."
        }
        let forbidden = trimmed.unicodeScalars.contains { scalar in
            if multiline, scalar == "\n" || scalar == "\r" || scalar == "\t" { return false }
            if scalar.properties.generalCategory == .control { return true }
            // Bidirectional overrides and isolates can disguise text (U+202A–U+202E, U+2066–U+2069).
            return (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
        if forbidden {
            return "\(label.prefix(1).uppercased() + label.dropFirst()) contient des caractères non autorisés."
        }
        return nil
    }

    /// Codes of organismes and applications: unaccented letters, digits and dashes ("CPAM-69").
    static func isCode(_ text: String, maximum: Int) -> Bool {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-")
        return !text.isEmpty && text.count <= maximum && text.unicodeScalars.allSatisfy(allowed.contains)
    }

    /// The text as stored: trimmed, nil when empty.
    static func stored(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}
