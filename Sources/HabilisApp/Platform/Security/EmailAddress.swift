import Foundation

/// Validation and normalisation of e-mail addresses, the login of every account.
public enum EmailAddress {
    public static let maximumLength = 254

    /// The normalised address (trimmed, NFC, lowercased) or the French reason it is refused. Checked on unicode
    /// scalars so that CR, LF and other control characters can never reach a mail header.
    public static func normalize(_ raw: String) -> Result<String, EmailAddressError> {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .failure(.empty) }
        if trimmed.unicodeScalars.count > maximumLength { return .failure(.tooLong) }
        let address = trimmed.precomposedStringWithCanonicalMapping.lowercased()
        guard address.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 }) else {
            return .failure(.malformed)
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .failure(.malformed) }
        let local = parts[0]
        let domain = parts[1]
        let localAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-")
        guard !local.isEmpty, local.count <= 64, !local.hasPrefix("."), !local.hasSuffix("."),
            !local.contains(".."), local.unicodeScalars.allSatisfy(localAllowed.contains)
        else { return .failure(.malformed) }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        let labelAllowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyz0123456789-")
        guard labels.count >= 2,
            labels.allSatisfy({
                !$0.isEmpty && $0.count <= 63 && !$0.hasPrefix("-") && !$0.hasSuffix("-")
                    && $0.unicodeScalars.allSatisfy(labelAllowed.contains)
            }),
            let topLevel = labels.last, topLevel.count >= 2, topLevel.allSatisfy(\.isLetter)
        else { return .failure(.malformed) }
        return .success(address)
    }

    /// The part after the "@" of a normalised address.
    public static func domain(of address: String) -> String {
        String(address.split(separator: "@").last ?? "")
    }
}

/// Why an e-mail address was refused, with the message shown beside the field.
public enum EmailAddressError: Error, Equatable {
    case empty, tooLong, malformed

    public var message: String {
        switch self {
        case .empty: "Saisissez votre adresse e-mail professionnelle."
        case .tooLong: "L’adresse e-mail ne doit pas dépasser 254 caractères."
        case .malformed: "Saisissez une adresse e-mail valide, par exemple prenom.nom@organisme.fr."
        }
    }
}
