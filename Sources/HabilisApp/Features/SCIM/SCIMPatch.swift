import Foundation

/// One PATCH operation (RFC 7644 §3.5.2) on a User's JSON: `add` and `replace` set, `remove` clears, with a path
/// (`active`, `name.givenName`, `emails[type eq "work"].value`…) or without one (an object of attributes, as
/// Entra ID sends). Operation names are case-insensitive; anything the service cannot apply is `invalidPath` or
/// `invalidValue`, never ignored silently.
enum SCIMPatch {
    static func apply(_ operation: [String: Any], to user: inout [String: Any]) throws {
        guard let op = (operation["op"] as? String)?.lowercased(), ["add", "replace", "remove"].contains(op) else {
            throw SCIMController.invalidSyntax("op doit valoir add, replace ou remove.")
        }
        let value = operation["value"]
        guard let path = operation["path"] as? String, !path.isEmpty else {
            guard op != "remove", let attributes = value as? [String: Any] else {
                throw SCIMController.noTarget("Sans path, value doit être un objet d’attributs.")
            }
            for (name, value) in attributes {
                try set(path: name, value: value, in: &user)
            }
            return
        }
        if op == "remove" {
            try set(path: path, value: nil, in: &user)
        } else {
            guard let value else { throw SCIMController.invalidValue("value manque.") }
            try set(path: path, value: value, in: &user)
        }
    }

    /// Sets (or clears, with nil) the attribute at `path`.
    private static func set(path raw: String, value: Any?, in user: inout [String: Any]) throws {
        var path = raw
        // An extension's attribute: `urn:…:User:organisationCode`.
        for schema in [SCIMDiscovery.habilisSchema, SCIMDiscovery.enterpriseSchema]
        where path.lowercased().hasPrefix(schema.lowercased() + ":") {
            var extensionObject = user[schema] as? [String: Any] ?? [:]
            let name = String(path.dropFirst(schema.count + 1))
            extensionObject[name] = value
            user[schema] = extensionObject
            return
        }
        if path.lowercased() == SCIMDiscovery.habilisSchema.lowercased(),
            let object = value as? [String: Any]
        {
            user[SCIMDiscovery.habilisSchema] = (user[SCIMDiscovery.habilisSchema] as? [String: Any] ?? [:])
                .merging(object) { $1 }
            return
        }
        // `emails[type eq "work"].value` and `phoneNumbers[type eq "work"].value`: the one value.
        if let bracket = path.firstIndex(of: "[") {
            let attribute = String(path[..<bracket])
            guard ["emails", "phonenumbers"].contains(attribute.lowercased()) else {
                throw SCIMController.invalidPath("Chemin non pris en charge : \(raw.prefix(80)).")
            }
            let key = attribute.lowercased() == "emails" ? "emails" : "phoneNumbers"
            if key == "emails" {
                if let text = value as? String { user["userName"] = text }
                return
            }
            user[key] = (value as? String).map { [["value": $0, "type": "work"]] } ?? []
            return
        }
        path = path.lowercased()
        switch path {
        case "active":
            guard let flag = value as? Bool ?? (value as? String).flatMap({ Bool($0.lowercased()) }) else {
                throw SCIMController.invalidValue("active doit être un booléen.")
            }
            user["active"] = flag
        case "username":
            user["userName"] = value
        case "externalid":
            user["externalId"] = value
        case "displayname":
            return
        case "name":
            user["name"] = (user["name"] as? [String: Any] ?? [:]).merging(value as? [String: Any] ?? [:]) { $1 }
        case "name.givenname", "name.familyname", "name.honorificprefix":
            var name = user["name"] as? [String: Any] ?? [:]
            let key = ["name.givenname": "givenName", "name.familyname": "familyName"][path] ?? "honorificPrefix"
            name[key] = value
            user["name"] = name
        case "phonenumbers":
            user["phoneNumbers"] = value
        case "emails":
            if let emails = value as? [[String: Any]],
                let email = (emails.first { $0["primary"] as? Bool == true } ?? emails.first)?["value"]
            {
                user["userName"] = email
            }
        default:
            throw SCIMController.invalidPath("Chemin non pris en charge : \(raw.prefix(80)).")
        }
    }
}
