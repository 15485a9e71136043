import Foundation

/// What the SCIM service says of itself (RFC 7643 §5–7): its configuration, its two resource types and their
/// schemas, as JSON objects that `SCIMController` serves with their `meta`.
enum SCIMDiscovery {
    static let userSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let groupSchema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let enterpriseSchema = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    /// The organisme's code and the Agent de Direction flag.
    static let habilisSchema = "urn:habilis:params:scim:schemas:extension:agent:2.0:User"
    static let listSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    static let patchSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp"

    static func serviceProviderConfig(base: String) -> [String: Any] {
        [
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
            "documentationUri": base + "/api/openapi.json",
            "patch": ["supported": true],
            "bulk": ["supported": false, "maxOperations": 0, "maxPayloadSize": 0],
            "filter": ["supported": true, "maxResults": SCIMController.maximumCount],
            "changePassword": ["supported": false],
            "sort": ["supported": false],
            "etag": ["supported": true],
            "authenticationSchemes": [
                [
                    "type": "oauthbearertoken", "name": "OAuth Bearer Token", "primary": true,
                    "description": "A client-credentials token of a machine client with the scim scope.",
                ] as [String: Any]
            ],
            "meta": ["resourceType": "ServiceProviderConfig", "location": base + "/scim/v2/ServiceProviderConfig"],
        ]
    }

    static func resourceTypes(base: String) -> [[String: Any]] {
        [
            [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "User", "name": "User",
                "endpoint": "/Users", "description": "Les comptes des agents", "schema": userSchema,
                "schemaExtensions": [
                    ["schema": enterpriseSchema, "required": false], ["schema": habilisSchema, "required": true],
                ],
                "meta": ["resourceType": "ResourceType", "location": base + "/scim/v2/ResourceTypes/User"],
            ],
            [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"], "id": "Group", "name": "Group",
                "endpoint": "/Groups", "description": "Une application ; ses membres en détiennent l’habilitation",
                "schema": groupSchema,
                "meta": ["resourceType": "ResourceType", "location": base + "/scim/v2/ResourceTypes/Group"],
            ],
        ]
    }

    static func schemas(base: String) -> [[String: Any]] {
        func attribute(
            _ name: String, _ type: String = "string", required: Bool = false, mutability: String = "readWrite",
            multiValued: Bool = false, uniqueness: String = "none", caseExact: Bool = false,
            returned: String = "default", sub: [[String: Any]]? = nil, description: String = ""
        ) -> [String: Any] {
            var attribute: [String: Any] = [
                "name": name, "type": type, "multiValued": multiValued, "description": description,
                "required": required, "mutability": mutability, "returned": returned, "uniqueness": uniqueness,
            ]
            if type == "string" || type == "reference" { attribute["caseExact"] = caseExact }
            if type == "reference" { attribute["referenceTypes"] = ["User", "Group"] }
            if let sub { attribute["subAttributes"] = sub }
            return attribute
        }
        func schema(_ id: String, _ name: String, _ attributes: [[String: Any]]) -> [String: Any] {
            [
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Schema"], "id": id, "name": name,
                "description": name, "attributes": attributes,
                "meta": ["resourceType": "Schema", "location": base + "/scim/v2/Schemas/" + id],
            ]
        }
        let multiValue = [
            attribute("value", required: true), attribute("type"), attribute("primary", "boolean"),
        ]
        return [
            schema(
                userSchema, "User",
                [
                    attribute(
                        "userName", required: true, uniqueness: "server",
                        description: "L’adresse électronique de connexion"),
                    attribute(
                        "name",
                        "complex",
                        sub: [
                            attribute("formatted", mutability: "readOnly"), attribute("familyName", required: true),
                            attribute("givenName", required: true), attribute("honorificPrefix"),
                        ]),
                    attribute("displayName", mutability: "readOnly"),
                    attribute("emails", "complex", multiValued: true, sub: multiValue),
                    attribute("phoneNumbers", "complex", multiValued: true, sub: multiValue),
                    attribute("active", "boolean"),
                ]),
            schema(
                groupSchema, "Group",
                [
                    attribute("displayName", required: true, mutability: "readOnly"),
                    attribute(
                        "members", "complex", multiValued: true,
                        sub: [
                            attribute("value", required: true, mutability: "immutable"),
                            attribute("display", mutability: "readOnly"),
                            attribute("$ref", "reference", mutability: "immutable"),
                            attribute("type", mutability: "immutable"),
                        ]),
                ]),
            schema(
                enterpriseSchema, "EnterpriseUser",
                [attribute("organization", mutability: "readOnly", description: "Le nom de l’organisme")]),
            schema(
                habilisSchema, "HabilisAgent",
                [
                    attribute("organisationCode", required: true, description: "Le code de l’organisme de l’agent"),
                    attribute("director", "boolean", description: "Agent de Direction (Référentiel des ADD)"),
                ]),
        ]
    }
}
