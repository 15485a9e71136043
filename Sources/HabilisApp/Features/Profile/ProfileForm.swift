import Foundation
import Vapor

/// "Mes coordonnées" as posted. Fields of an Agent de Direction's identity are ignored by the service.
struct ProfileForm: PostedForm {
    var civilite: String?
    var prenom: String?
    var nom: String?
    var nomNaissance: String?
    var secondOrganisme: String?
    var email: String?
    var emailContact: String?
    var telephone: String?
    var motDePasseActuel: String?

    /// The form filled with what is stored.
    init(agent: Agent) {
        civilite = agent.civility
        prenom = agent.firstName
        nom = agent.lastName
        nomNaissance = agent.birthName
        secondOrganisme = agent.$secondOrganisation.id?.uuidString.lowercased() ?? ""
        email = agent.email
        emailContact = agent.contactEmail ?? ""
        telephone = agent.phone.map(PhoneNumber.display) ?? ""
    }

    init() {}

    /// The checked values.
    struct Valid: Sendable {
        let civility: String
        let firstName: String
        let lastName: String
        let birthName: String?
        let secondOrganisationID: UUID?
        let email: String
        let contactEmail: String?
        let phone: String?
        let currentPassword: String
    }

    /// Checks every field; identity fields of an ADD are taken from the stored account, whatever was posted.
    func validate(agent: Agent, organisations: [Organisation]) -> Result<Valid, FormErrors> {
        var errors = FormErrors()
        // The Référentiel des ADD or a directory feed (SCIM) masters the identity: it is kept as stored.
        let mastered = agent.isDirector || agent.identitySource != nil
        let identity = mastered ? ProfileForm(agent: agent) : self
        if !mastered {
            if !RegistrationForm.civilities.contains(identity.civilite ?? "") {
                errors.add("civilite", "Choisissez votre civilité.")
            }
            if let problem = PersonName.problem(identity.prenom ?? "", label: "le prénom", required: true) {
                errors.add("prenom", problem)
            }
            if let problem = PersonName.problem(identity.nom ?? "", label: "le nom", required: true) {
                errors.add("nom", problem)
            }
            if let problem = PersonName.problem(
                identity.nomNaissance ?? "", label: "le nom de naissance", required: false)
            {
                errors.add("nomNaissance", problem)
            }
        }
        var secondID: UUID?
        if let second = secondOrganisme, !second.isEmpty {
            let match = organisations.first { $0.id?.uuidString.lowercased() == second.lowercased() }
            if match == nil {
                errors.add("secondOrganisme", "Choisissez le second organisme dans la liste.")
            } else if match?.id == agent.$organisation.id {
                errors.add("secondOrganisme", "Le second organisme doit être différent de votre organisme.")
            }
            secondID = match?.id
        }
        // A directory feed also masters the login address and the telephone.
        let fed = agent.identitySource != nil
        var email = agent.email
        switch fed ? .success(agent.email) : EmailAddress.normalize(self.email ?? "") {
        case .success(let value): email = value
        case .failure(let error): errors.add("email", error.message)
        }
        var contact: String?
        if let raw = emailContact, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch EmailAddress.normalize(raw) {
            case .success(let value): contact = value
            case .failure:
                errors.add(
                    "emailContact", "Saisissez une adresse de contact valide, par exemple prenom.nom@organisme.fr.")
            }
        }
        var phone: String? = fed ? agent.phone : nil
        if !fed, let raw = telephone, !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            switch PhoneNumber.normalize(raw) {
            case .success(let value): phone = value
            case .failure(let error): errors.add("telephone", error.message)
            }
        }
        if email != agent.email, (motDePasseActuel ?? "").isEmpty {
            errors.add(
                "motDePasseActuel", "Pour changer d’adresse e-mail de connexion, saisissez votre mot de passe actuel.")
        }
        guard errors.isEmpty else { return .failure(errors) }
        return .success(
            Valid(
                civility: identity.civilite!, firstName: identity.prenom!.trimmingCharacters(in: .whitespaces),
                lastName: identity.nom!.trimmingCharacters(in: .whitespaces),
                birthName: TextInput.stored(identity.nomNaissance), secondOrganisationID: secondID, email: email,
                contactEmail: contact, phone: phone, currentPassword: motDePasseActuel ?? ""))
    }
}
