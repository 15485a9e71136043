import Foundation

/// French phone numbers: typed with spaces, dots or dashes, or with +33; stored as ten digits; shown in pairs.
public enum PhoneNumber {
    /// The ten digits ("0674310010") or the French reason the number is refused.
    public static func normalize(_ raw: String) -> Result<String, PhoneNumberError> {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .failure(.empty) }
        guard trimmed.count <= 30 else { return .failure(.malformed) }
        var digits = trimmed.filter { !" .-()\u{00A0}".contains($0) }
        if digits.hasPrefix("+33") {
            digits = "0" + digits.dropFirst(3)
        } else if digits.hasPrefix("0033") {
            digits = "0" + digits.dropFirst(4)
        }
        guard digits.count == 10, digits.hasPrefix("0"), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
            digits.dropFirst().first != "0"
        else { return .failure(.malformed) }
        return .success(digits)
    }

    /// "06 74 31 00 10".
    public static func display(_ digits: String) -> String {
        guard digits.count == 10 else { return digits }
        return stride(from: 0, to: 10, by: 2).map { offset -> String in
            let start = digits.index(digits.startIndex, offsetBy: offset)
            return String(digits[start..<digits.index(start, offsetBy: 2)])
        }.joined(separator: " ")
    }
}

/// Why a phone number was refused.
public enum PhoneNumberError: Error, Equatable {
    case empty, malformed

    public var message: String {
        switch self {
        case .empty: "Renseignez votre numéro de téléphone."
        case .malformed: "Saisissez un numéro de téléphone français à 10 chiffres, par exemple 06 74 31 00 10."
        }
    }
}

/// Given names and family names: letters of any language, spaces, hyphens, apostrophes and periods.
public enum PersonName {
    public static let maximumLength = 100

    /// The French message for `raw`, or nil when acceptable; `label` is "le prénom", "le nom"…
    public static func problem(_ raw: String, label: String, required: Bool) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return required ? "Renseignez \(label)." : nil }
        let capitalised = label.prefix(1).uppercased() + label.dropFirst()
        if trimmed.count > maximumLength {
            return "\(capitalised) ne doit pas dépasser \(maximumLength) caractères."
        }
        let allowed = CharacterSet.letters.union(.nonBaseCharacters).union(CharacterSet(charactersIn: " -'’."))
        guard trimmed.unicodeScalars.allSatisfy(allowed.contains), trimmed.contains(where: \.isLetter) else {
            return "\(capitalised) ne peut contenir que des lettres, des espaces, des tirets et des apostrophes."
        }
        return nil
    }
}
