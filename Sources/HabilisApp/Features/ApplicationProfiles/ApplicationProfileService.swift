import Fluent
import Foundation
import SQLKit
import Vapor

/// Defining the profiles of an application: add, edit, remove, choose the default and what a change of profile
/// does. Every change is audited. The first profile of an application becomes the profile of the rights and pending
/// requests it already has, so that every right of an application with profiles names one.
struct ApplicationProfileService: Sendable {
    let clock: any Clock
    let audit: AuditLog

    /// Saves `form` as a new profile of `application` (`edited` nil) or as `edited`; the errors, empty once saved.
    /// The application's row is locked first: two saves at once (a form sent twice, two administrators) check the
    /// code, the label and the default one after the other, never both against what neither has written yet. The
    /// profile is read again under the lock, so that what another administrator saved meanwhile counts.
    func save(
        _ form: ApplicationProfileForm, as edited: ApplicationProfile?, of application: BusinessApplication,
        by context: AuditContext, on database: any Database
    ) async throws -> FormErrors {
        try await database.atomically { transaction in
            try await transaction.lockRow(BusinessApplication.schema, id: application.id!)
            var errors = form.validate(isNew: edited == nil)
            let existing = try await ProfileDirectory.profiles(of: application.id!, on: transaction)
            let profile = try edited.map { edited in
                // Removed meanwhile: the page of a profile that is no longer there.
                guard let current = existing.first(where: { $0.id == edited.id }) else { throw Abort(.notFound) }
                return current
            }
            let others = existing.filter { $0.id != profile?.id }
            let code = profile?.code ?? form.trimmedCode
            let label = (form.label ?? "").trimmingCharacters(in: .whitespaces)
            if profile == nil, others.contains(where: { $0.code == code }) {
                errors.add("code", "Ce code est déjà celui d’un autre profil de l’application.")
            }
            if others.contains(where: { $0.label.lowercased() == label.lowercased() }) {
                errors.add("label", "Ce libellé est déjà celui d’un autre profil de l’application.")
            }
            // There is always one default profile: it moves to another, it is never unset.
            if profile?.isDefault == true, form.isDefault != "1" {
                errors.add(
                    "isDefault", "Un profil reste le profil par défaut : cochez plutôt cette case sur un autre profil.")
            }
            guard errors.isEmpty else { return errors }
            let record = profile ?? ApplicationProfile()
            let before = profile.map(ApplicationProfileForm.init)?.snapshot ?? [:]
            let isFirst = existing.isEmpty
            if profile == nil {
                record.$application.id = application.id!
                record.code = code
                record.createdAt = clock.now
            }
            record.label = label
            record.summary = TextInput.stored(form.summary) ?? ""
            record.position = Int((form.position ?? "").trimmingCharacters(in: .whitespaces)) ?? 0
            record.isDefault = isFirst || form.isDefault == "1"
            let after = ApplicationProfileForm(record).snapshot
            try await record.save(on: transaction)
            if record.isDefault {
                try await (transaction as! any SQLDatabase).update(ApplicationProfile.schema)
                    .set("is_default", to: false)
                    .where("application_id", .equal, application.id!).where("id", .notEqual, record.id!).run()
            }
            var details = AuditLog.changes(before: before, after: after)
            details["application"] = application.code
            if isFirst {
                details["rights_given_profile"] = String(
                    try await adopt(record, of: application, on: transaction))
            }
            try await audit.record(
                .applicationProfileSaved, by: context, target: ("application_profile", record.id!.uuidString),
                applicationID: application.id, details: details, on: transaction)
            return FormErrors()
        }
    }

    /// Removes a profile nobody holds nor ever asked for (the history names it otherwise), and not the default one
    /// while others remain; the reason it cannot, nil once removed. Read under the application's lock, like `save`.
    /// The rights and requests that name the profile are the foreign keys', which refuse the deletion even when
    /// one of them was written an instant before.
    func remove(
        _ profile: ApplicationProfile, of application: BusinessApplication, by context: AuditContext,
        on database: any Database
    ) async throws -> String? {
        do {
            return try await database.atomically { transaction in
                try await transaction.lockRow(BusinessApplication.schema, id: application.id!)
                let existing = try await ProfileDirectory.profiles(of: application.id!, on: transaction)
                guard let current = existing.first(where: { $0.id == profile.id }) else { return nil }
                if current.isDefault, existing.count > 1 {
                    return "C’est le profil par défaut : choisissez d’abord un autre profil par défaut."
                }
                try await current.delete(on: transaction)
                try await audit.record(
                    .applicationProfileRemoved, by: context, target: ("application_profile", profile.id!.uuidString),
                    applicationID: application.id, details: ["application": application.code, "code": profile.code],
                    on: transaction)
                return nil
            }
        } catch let error where WriteConflict.isStillReferenced(error) {
            return "Ce profil figure dans des habilitations ou des demandes, même passées : il ne peut pas être "
                + "supprimé."
        }
    }

    /// Chooses whether a granted change of profile replaces the profile held or adds to it.
    func setChange(
        _ change: BusinessApplication.ProfileChange, of application: BusinessApplication, by context: AuditContext,
        on database: any Database
    ) async throws {
        let before = ["profile_change": application.profileChange.rawValue]
        application.profileChange = change
        try await audit.save(
            application, as: .applicationSaved, target: "application", before: before,
            after: ["profile_change": change.rawValue], by: context, on: database)
    }

    /// Gives the application's first profile to its active rights and pending requests, which had none; how many.
    private func adopt(
        _ profile: ApplicationProfile, of application: BusinessApplication, on database: any Database
    ) async throws -> Int {
        let sql = database as! any SQLDatabase
        let rights = try await sql.update(Grant.schema).set("profile_id", to: profile.id!)
            .where("application_id", .equal, application.id!).where("profile_id", .is, SQLLiteral.null)
            .where("revoked_at", .is, SQLLiteral.null).returning("id").all()
        try await sql.update(AccessRequest.schema).set("profile_id", to: profile.id!)
            .where("application_id", .equal, application.id!).where("profile_id", .is, SQLLiteral.null)
            .where(AccessRequest.isPending()).run()
        return rights.count
    }
}

/// The form of a profile.
struct ApplicationProfileForm: Content {
    var code: String?
    var label: String?
    var summary: String?
    var position: String?
    var isDefault: String?

    init(position: String? = nil) {
        self.position = position
    }

    init(_ profile: ApplicationProfile) {
        code = profile.code
        label = profile.label
        summary = profile.summary
        position = String(profile.position)
        isDefault = profile.isDefault ? "1" : nil
    }

    var trimmedCode: String { (code ?? "").trimmingCharacters(in: .whitespaces).uppercased() }

    var snapshot: [String: String] {
        [
            "code": code ?? "", "label": label ?? "", "description": summary ?? "", "position": position ?? "",
            "default": isDefault == "1" ? "true" : "false",
        ]
    }

    func validate(isNew: Bool) -> FormErrors {
        var errors = FormErrors()
        if isNew, !TextInput.isCode(trimmedCode, maximum: 40) {
            errors.add("code", "Le code comporte de 1 à 40 lettres sans accent, chiffres ou tirets.")
        }
        if let problem = TextInput.problem(label ?? "", label: "le libellé", maximum: 100, required: true) {
            errors.add("label", problem)
        }
        if let problem = TextInput.problem(
            summary ?? "", label: "la description", maximum: 1000, required: false, multiline: true)
        {
            errors.add("summary", problem)
        }
        _ = errors.position(position, field: "position")
        return errors
    }
}
