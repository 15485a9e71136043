import Foundation
import SnapshotTesting
import Testing

@testable import HabilisApp

/// Fixed view models for the page snapshots: the frame of each role, hostile and long text, form errors.
enum Fixture {
    /// Text that would break out of an element or an attribute if it were not escaped.
    static let hostile = "<script>alert('x')</script> \"guillemets\" & l’été"
    /// A value far longer than a line, as an organisme's full name can be.
    static let long = String(repeating: "Caisse primaire d’assurance maladie des Bouches-du-Rhône ", count: 4)
    static let csrf = "jeton-de-formulaire"

    enum Role { case visitor, agent, correspondent, administrator }

    static func frame(
        _ role: Role = .agent, title: String = "Page", path: String = "/", notice: String? = nil,
        canExtend: Bool = true, unread: String? = nil
    ) -> PageFrame {
        let user: UserBadge? =
            switch role {
            case .visitor: nil
            case .agent:
                UserBadge(
                    name: "Aristide Charenne", roleLabel: nil, unreadLabel: unread)
            case .correspondent:
                UserBadge(
                    name: "Marie Durand", roleLabel: "Correspondant local", unreadLabel: unread)
            case .administrator:
                UserBadge(
                    name: "Claire Morel", roleLabel: "Administrateur UCANSS", unreadLabel: unread)
            }
        let menu =
            user == nil
            ? []
            : MenuLink.menu(
                decidesRequests: role != .agent, isCorrespondent: role == .correspondent,
                isAdministrator: role == .administrator, currentPath: path)
        return PageFrame(
            title: "\(title) — Espace Organismes UCANSS", csrfToken: csrf, user: user, menu: menu,
            webmasterEmail: "webmaster@ucanss.fr", notice: notice,
            sessionWarning: user == nil ? nil : SessionWarning(secondsLeft: 1800, canBeExtended: canExtend),
            refreshURL: nil)
    }

    static func errors(_ pairs: (String, String)...) -> FormErrors {
        var errors = FormErrors()
        for (field, message) in pairs { errors.add(field, message) }
        return errors
    }

    static func pagination(
        page: Int = 1, total: Int = 0, perPage: Int = 20, baseURL: String = "/liste"
    )
        -> Pagination
    {
        Pagination(page: page, perPage: perPage, total: total, baseURL: baseURL)
    }

    static let groups = [
        OrganisationGroup(
            label: "Assurance retraite",
            options: [.init(id: "o1", name: "CARSAT Rhône-Alpes"), .init(id: "o2", name: hostile)])
    ]
}

/// The content of a page (its `<main>`), compared with the committed text under `__Snapshots__`: a markup change
/// is reviewed as a diff. The frame has its own snapshots.
func assertPage(
    _ page: some HTMLPage, _ state: String, fileID: StaticString = #fileID, file: StaticString = #filePath,
    testName: String = #function, line: UInt = #line, column: UInt = #column
) {
    let html = String(buffer: page.render())
    let start = html.range(of: "<main id=\"contenu\" tabindex=\"-1\">\n")?.upperBound ?? html.startIndex
    let end = html.range(of: "\n</main>", options: .backwards)?.lowerBound ?? html.endIndex
    assertSnapshot(
        of: String(html[start..<end]) + "\n", as: .lines, named: state, fileID: fileID, file: file,
        testName: String(testName.prefix { $0 != "(" }), line: line, column: column)
}

/// The whole document, for the frame's own snapshots.
func assertDocument(
    _ page: some HTMLPage, _ state: String, fileID: StaticString = #fileID, file: StaticString = #filePath,
    testName: String = #function, line: UInt = #line, column: UInt = #column
) {
    assertSnapshot(
        of: String(buffer: page.render()), as: .lines, named: state, fileID: fileID, file: file,
        testName: String(testName.prefix { $0 != "(" }), line: line, column: column)
}
