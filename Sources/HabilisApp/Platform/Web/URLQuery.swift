import Foundation

extension String {
    /// `uri` with `parameters` added to its query (a registered redirect URI may already have one).
    func adding(_ parameters: [(String, String?)]) -> String {
        guard var components = URLComponents(string: self) else { return self }
        var items = components.queryItems ?? []
        items += parameters.compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        components.percentEncodedQuery = items.map { item in
            "\(Self.formEncoded(item.name))=\(Self.formEncoded(item.value ?? ""))"
        }.joined(separator: "&")
        return components.string ?? self
    }

    /// RFC 3986 unreserved characters, ASCII only: everything else is percent-encoded.
    private static let unreservedCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func formEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreservedCharacters) ?? ""
    }
}
