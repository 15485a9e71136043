import Foundation
import Vapor

/// The registration form of "Demander un accès à l'espace Organismes", decoded and checked field by field.
struct RegistrationForm: PostedForm {
    var email: String?
    var civilite: String?
    var prenom: String?
    var nom: String?
    var nomNaissance: String?
    var organisme: String?
    var secondOrganisme: String?
    var telephone: String?
    var emailContact: String?
    var password: String?
    var confirmation: String?

    static let civilities = ["Madame", "Monsieur"]

    /// The checked values, ready for the service.
    struct Valid: Sendable {
        let email: String
        let civility: String
        let firstName: String
        let lastName: String
        let birthName: String?
        let organisationID: UUID
        let secondOrganisationID: UUID?
        let phone: String
        let contactEmail: String?
        let password: String
    }

    /// Every field checked against the active organisations; the password against the policy with the person's
    /// own words. Errors come in the order of the form.
    func validate(activeOrganisations: [Organisation], policy: PasswordPolicy) -> Result<Valid, FormErrors> {
        var errors = FormErrors()
        let normalisedEmail: String?
        switch EmailAddress.normalize(email ?? "") {
        case .success(let value): normalisedEmail = value
        case .failure(let error):
            normalisedEmail = nil
            errors.add("email", error.message)
        }
        if !Self.civilities.contains(civilite ?? "") { errors.add("civilite", "Choisissez votre civilité.") }
        if let problem = PersonName.problem(prenom ?? "", label: "le prénom", required: true) {
            errors.add("prenom", problem)
        }
        if let problem = PersonName.problem(nom ?? "", label: "le nom", required: true) { errors.add("nom", problem) }
        if let problem = PersonName.problem(nomNaissance ?? "", label: "le nom de naissance", required: false) {
            errors.add("nomNaissance", problem)
        }
        let organisation = activeOrganisations.first { $0.id?.uuidString.lowercased() == organisme?.lowercased() }
        if organisation == nil { errors.add("organisme", "Choisissez votre organisme dans la liste.") }
        var secondOrganisation: Organisation?
        if let second = secondOrganisme, !second.isEmpty {
            secondOrganisation = activeOrganisations.first { $0.id?.uuidString.lowercased() == second.lowercased() }
            if secondOrganisation == nil {
                errors.add("secondOrganisme", "Choisissez le second organisme dans la liste.")
            } else if secondOrganisation?.id == organisation?.id {
                errors.add("secondOrganisme", "Le second organisme doit être différent de votre organisme.")
            }
        }
        var phone = ""
        switch PhoneNumber.normalize(telephone ?? "") {
        case .success(let value): phone = value
        case .failure(let error): errors.add("telephone", error.message)
        }
        var contact: String?
        if let raw = emailContact, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch EmailAddress.normalize(raw) {
            case .success(let value): contact = value
            case .failure(let error):
                errors.add(
                    "emailContact",
                    error.message.replacingOccurrences(
                        of: "votre adresse e-mail professionnelle", with: "l’adresse de contact"))
            }
        }
        let password = self.password ?? ""
        let context = [prenom ?? "", nom ?? "", nomNaissance ?? "", email ?? "", organisation?.name ?? ""]
        if password.isEmpty {
            errors.add("password", "Choisissez un mot de passe.")
        } else if let problem = policy.problem(with: password, contextWords: context) {
            errors.add("password", problem)
        } else if password != confirmation {
            errors.add("confirmation", "Les deux mots de passe ne sont pas identiques.")
        }
        guard errors.isEmpty, let normalisedEmail, let organisation else { return .failure(errors) }
        return .success(
            Valid(
                email: normalisedEmail, civility: civilite!, firstName: prenom!.trimmingCharacters(in: .whitespaces),
                lastName: nom!.trimmingCharacters(in: .whitespaces),
                birthName: TextInput.stored(nomNaissance), organisationID: organisation.id!,
                secondOrganisationID: secondOrganisation?.id, phone: phone, contactEmail: contact, password: password))
    }
}
