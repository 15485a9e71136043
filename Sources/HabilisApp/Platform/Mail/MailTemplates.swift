import Foundation

/// The French e-mails of the portal, each as a text and an HTML part built from the same sentences.
public struct MailTemplates: Sendable {
    let baseURL: String
    let webmasterEmail: String

    /// The link to choose a new password after "mot de passe oublié".
    public func passwordReset(to recipient: String, name: String, link: String, validMinutes: Int) -> MailMessage {
        compose(
            to: recipient, subject: "Créer un nouveau mot de passe — espace Organismes",
            greeting: "Bonjour \(name),",
            paragraphs: [
                "Vous avez demandé à créer un nouveau mot de passe pour votre compte de l’espace Organismes.",
                "Ce lien est valable \(validMinutes) minutes et ne peut servir qu’une fois :",
            ],
            link: link,
            closing: "Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe "
                + "actuel reste valable.")
    }

    /// Tells the owner that the password has changed, so that an unexpected change is noticed.
    public func passwordChanged(to recipient: String, name: String) -> MailMessage {
        compose(
            to: recipient, subject: "Votre mot de passe a été modifié — espace Organismes",
            greeting: "Bonjour \(name),",
            paragraphs: [
                "Le mot de passe de votre compte de l’espace Organismes vient d’être modifié. "
                    + "Toutes vos sessions ouvertes ont été fermées."
            ],
            link: baseURL + Paths.signIn,
            closing: "Si vous n’êtes pas à l’origine de ce changement, écrivez sans attendre à \(webmasterEmail).")
    }

    /// Builds both parts; every value is escaped in the HTML part.
    func compose(
        to recipient: String, subject: String, greeting: String, paragraphs: [String], link: String?,
        closing: String
    ) -> MailMessage {
        let signature = "L’équipe de l’espace Organismes de l’UCANSS"
        var text = [greeting, ""] + paragraphs
        if let link { text += ["", link] }
        text += ["", closing, "", signature, "", "Pour toute question : \(webmasterEmail)"]
        var html = "<!doctype html><html lang=\"fr\"><body><p>\(escapeHTML(greeting))</p>"
        html += paragraphs.map { "<p>\(escapeHTML($0))</p>" }.joined()
        if let link { html += "<p><a href=\"\(escapeHTML(link))\">\(escapeHTML(link))</a></p>" }
        html += "<p>\(escapeHTML(closing))</p><p>\(escapeHTML(signature))</p>"
        html += "<p>Pour toute question : \(escapeHTML(webmasterEmail))</p></body></html>"
        return MailMessage(
            recipient: recipient, subject: subject, textBody: text.joined(separator: "\n"), htmlBody: html)
    }
}

/// Escapes text for HTML element content and quoted attributes.
func escapeHTML(_ text: String) -> String {
    // Works on UTF-8 bytes: the five escaped characters are ASCII, and walking grapheme clusters costs more than
    // the rest of a mail (the sweep composes thousands at once).
    let bytes = text.utf8
    guard bytes.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else {
        return text
    }
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count + 16)
    for byte in bytes {
        switch byte {
        case 0x26: result.append(contentsOf: "&amp;".utf8)
        case 0x3C: result.append(contentsOf: "&lt;".utf8)
        case 0x3E: result.append(contentsOf: "&gt;".utf8)
        case 0x22: result.append(contentsOf: "&quot;".utf8)
        case 0x27: result.append(contentsOf: "&#39;".utf8)
        default: result.append(byte)
        }
    }
    return String(decoding: result, as: UTF8.self)
}

/// Whom a mail greets and is sent to.
protocol MailAddressee {
    var email: String { get }
    var fullName: String { get }
}

extension Agent: MailAddressee {}
