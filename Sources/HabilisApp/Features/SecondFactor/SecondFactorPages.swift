import Foundation

/// Step 3 of the sign-in: the code of the authenticator application.
struct SecondFactorCodePage {
    let frame: PageFrame
    let action: String
    let restartURL: String
    let errors: FormErrors
}

/// "Double authentification" in "Mes informations": on since a date, being set up (key and first code), or off.
struct SecondFactorSetupPage {
    let frame: PageFrame
    let enabledSince: String?
    /// The key to type into the application, in groups of four; nil unless a setup is in progress.
    let pendingKey: String?
    let provisioningURI: String?
    let accountName: String
    let issuer: String
    /// Administrators and correspondents where the setting requires it: they cannot turn it off.
    let isRequired: Bool
    let setUpAction: String
    let confirmAction: String
    let disableAction: String
    let errors: FormErrors

    /// "JBSW Y3DP EHPK 3PXP": easier to read out and type than 32 letters in a row.
    static func grouped(_ key: String) -> String {
        stride(from: 0, to: key.count, by: 4).map {
            let start = key.index(key.startIndex, offsetBy: $0)
            return String(key[start..<(key.index(start, offsetBy: 4, limitedBy: key.endIndex) ?? key.endIndex)])
        }.joined(separator: " ")
    }
}
