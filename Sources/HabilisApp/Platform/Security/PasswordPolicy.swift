import Foundation
import NIOConcurrencyHelpers

/// The password rule: 12 to 128 characters of any kind, no composition rule, common passwords and words of the
/// person's context refused (CNIL 2022-100 case 2 together with throttling; OWASP ASVS 5.0 6.2). Administrators and
/// local correspondents, who decide on other people's access, need 16 characters until they get a second factor
/// (SECURITY.md A15; CNIL's guidance on privileged accounts).
public struct PasswordPolicy: Sendable {
    public static let minimumLength = 12
    public static let privilegedMinimumLength = 16
    public static let maximumLength = 128

    public static func minimumLength(isPrivileged: Bool) -> Int {
        isPrivileged ? privilegedMinimumLength : minimumLength
    }

    let commonPasswords: Set<String>

    public init(commonPasswords: Set<String>) {
        self.commonPasswords = commonPasswords
    }

    /// Loads the block list shipped in `Resources/Security/common-passwords.txt`, once per process and path: the
    /// 30,000 words take tens of milliseconds, and the tests start hundreds of applications.
    public static func load(fromWorkingDirectory directory: String) -> PasswordPolicy {
        let path = directory + "/Resources/Security/common-passwords.txt"
        return loaded.withLockedValue { loaded in
            if let policy = loaded[path] { return policy }
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            let words = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { String($0) }
            let policy = PasswordPolicy(commonPasswords: Set(words))
            loaded[path] = policy
            return policy
        }
    }

    private static let loaded = NIOLockedValueBox<[String: PasswordPolicy]>([:])

    /// The French message explaining why `password` is refused, or nil when it is acceptable.
    /// The password is checked exactly as typed: nothing is trimmed or truncated.
    public func problem(with password: String, contextWords: [String], isPrivileged: Bool = false) -> String? {
        let length = password.unicodeScalars.count
        if length < Self.minimumLength {
            return "Le mot de passe doit contenir au moins \(Self.minimumLength) caractères."
        }
        if isPrivileged, length < Self.privilegedMinimumLength {
            return "Le mot de passe d’un administrateur ou d’un correspondant local doit contenir au moins "
                + "\(Self.privilegedMinimumLength) caractères."
        }
        if length > Self.maximumLength {
            return "Le mot de passe ne doit pas dépasser \(Self.maximumLength) caractères."
        }
        if password.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "Le mot de passe ne doit pas contenir de caractère de contrôle."
        }
        let lowered = password.lowercased()
        if isCommon(lowered) {
            return "Ce mot de passe est trop courant ou trop prévisible : choisissez-en un autre."
        }
        let words = (contextWords + ["ucanss"]).flatMap(Self.significantParts)
        if words.contains(where: { lowered.contains($0) }) {
            return "Le mot de passe ne doit contenir ni votre nom, ni votre adresse e-mail, ni le nom de votre "
                + "organisme, ni « UCANSS »."
        }
        return nil
    }

    /// A password is common when it, or its core once digits and symbols around it are removed, is in the list,
    /// or when it repeats a single character or a short pattern ("soleil2024!!", "aaaaaaaaaaaa", "abcabcabcabc").
    func isCommon(_ lowered: String) -> Bool {
        if commonPasswords.contains(lowered) { return true }
        let core = lowered.trimmingCharacters(in: CharacterSet.letters.inverted)
        if core.count >= 4, commonPasswords.contains(core) { return true }
        let characters = Array(lowered)
        for period in 1...4 where characters.count % period == 0 {
            let unit = characters[0..<period]
            if stride(from: 0, to: characters.count, by: period).allSatisfy({ characters[$0..<$0 + period] == unit }) {
                return true
            }
        }
        return Self.isSequence(characters) || Self.isKeyboardWalk(lowered)
    }

    /// Rows of French and English keyboards typed in order ("azertyuiopqs", "qsdfghjklm").
    static func isKeyboardWalk(_ lowered: String) -> Bool {
        let letters = lowered.filter(\.isLetter)
        guard letters.count >= 8, Double(letters.count) >= Double(lowered.count) * 0.75 else { return false }
        let rows = ["azertyuiopqsdfghjklmwxcvbn", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm"]
        return rows.contains { $0.contains(letters) || String($0.reversed()).contains(letters) }
    }

    /// "123456789012" or "abcdefghijkl": every character one step after the previous one.
    static func isSequence(_ characters: [Character]) -> Bool {
        let values = characters.compactMap { $0.unicodeScalars.first?.value }
        guard values.count > 2 else { return false }
        let ascending = zip(values, values.dropFirst()).allSatisfy { $1 == $0 + 1 || ($0 == 57 && $1 == 48) }
        let descending = zip(values, values.dropFirst()).allSatisfy { $0 == $1 + 1 || ($0 == 48 && $1 == 57) }
        return ascending || descending
    }

    /// Splits "m.durand@lassuranceretraite.fr" or "CARSAT Rhône-Alpes" into lowercase words of 4 letters or more.
    static func significantParts(_ text: String) -> [String] {
        text.lowercased()
            .components(separatedBy: CharacterSet.alphanumerics.inverted)
            .filter { $0.count >= 4 && !["assurance", "social", "sociale"].contains($0) }
    }
}
