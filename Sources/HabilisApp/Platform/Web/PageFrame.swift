import Vapor

/// What the page layout needs on every page: title, form token, the signed-in person, menu and footer.
/// Fixed links (home, FAQ, sign-out…) are not data: the layout writes them from `Paths`.
struct PageFrame {
    let title: String
    let csrfToken: String
    let user: UserBadge?
    let menu: [MenuLink]
    let webmasterEmail: String
    let notice: String?
    /// For a signed-in person, the warning the page shows before the session ends.
    let sessionWarning: SessionWarning?
    /// Where the page sends the browser at once (`<meta http-equiv="refresh">`): only the page that leaves a form's
    /// navigation for an application, which `form-action 'self'` would otherwise stop.
    var refreshURL: String?
}

extension PageFrame {
    /// The frame of a page; `title` is the page's own name, made unique by the site name.
    init(_ request: Request, title: String, notice: String? = nil) {
        self.title = "\(title) — Espace Organismes UCANSS"
        csrfToken = request.csrfToken
        user = request.currentUser.map(UserBadge.init)
        menu = request.currentUser.map { MenuLink.menu(for: $0, currentPath: request.url.path) } ?? []
        webmasterEmail = request.runtimeSettings.webmasterEmail
        self.notice = notice
        sessionWarning = request.currentUser.map {
            SessionWarning(deadline: request.portal.sessions.deadline(of: $0.session))
        }
    }
}

/// What `Public/static/session.js` needs to warn two minutes before the session ends and to extend it.
struct SessionWarning {
    static let secondsBefore = 120

    let secondsLeft: Int
    let canBeExtended: Bool
}

extension SessionWarning {
    init(deadline: SessionDeadline) {
        secondsLeft = deadline.secondsLeft
        canBeExtended = deadline.canBeExtended
    }
}

/// The signed-in person as the header shows them.
struct UserBadge {
    let name: String
    let roleLabel: String?
    /// "3 non lue(s)", "plus de 99 non lues", or nil when everything is read.
    let unreadLabel: String?
}

extension UserBadge {
    init(_ user: CurrentUser) {
        name = user.agent.fullName
        let unread = user.unreadNotifications
        unreadLabel =
            unread == 0
            ? nil
            : unread >= CurrentUser.unreadCountBound
                ? "plus de \(CurrentUser.unreadCountBound - 1) non lues" : "\(unread) non lue(s)"
        roleLabel =
            user.isAdministrator
            ? "Administrateur UCANSS" : user.isCorrespondent ? "Correspondant local" : nil
    }
}

/// One entry of the left side menu, with its sections.
struct MenuLink {
    let label: String
    let url: String
    let isCurrent: Bool
    let children: [MenuLink]

    init(_ label: String, _ url: String, currentPath: String, children: [MenuLink] = []) {
        self.label = label
        self.url = url
        isCurrent = url == currentPath
        self.children = children
    }

    /// The side menu of the guide: "Mes informations" and its four sections (and "Mes sessions", where each person
    /// sees and ends their open sessions, and "Double authentification"), "Applications", and the entries of the
    /// person's roles.
    static func menu(for user: CurrentUser, currentPath: String) -> [MenuLink] {
        menu(
            decidesRequests: user.decidesRequests, isCorrespondent: user.isCorrespondent,
            isAdministrator: user.isAdministrator, currentPath: currentPath)
    }

    static func menu(
        decidesRequests: Bool, isCorrespondent: Bool, isAdministrator: Bool, currentPath: String
    ) -> [MenuLink] {
        let sections = [
            ("Mes habilitations", Paths.myRights), ("Mes coordonnées", Paths.myDetails),
            ("Mes abonnements", Paths.mySubscriptions), ("Mes contacts", Paths.myContacts),
            ("Mes sessions", Paths.mySessions), ("Double authentification", Paths.mySecondFactor),
        ].map { MenuLink($0.0, $0.1, currentPath: currentPath) }
        var entries = [
            MenuLink("Applications", Paths.home, currentPath: currentPath),
            MenuLink("Mes informations", Paths.myRights, currentPath: "", children: sections),
            MenuLink("Mes notifications", Paths.notifications, currentPath: currentPath),
        ]
        if decidesRequests {
            entries.append(MenuLink("Demandes à traiter", Paths.requestsToDecide, currentPath: currentPath))
            entries.append(MenuLink("Revue des habilitations", Paths.accessReviews, currentPath: currentPath))
        }
        if isCorrespondent {
            entries.append(MenuLink("Agents de mon organisme", Paths.myOrganisationAgents, currentPath: currentPath))
            entries.append(MenuLink("Absences et suppléance", Paths.myAbsences, currentPath: currentPath))
        }
        if isAdministrator {
            entries.append(MenuLink("Administration", Paths.administration, currentPath: currentPath))
        }
        return entries
    }
}

/// The French messages of one form, by field name, in the order they are shown in the summary.
public struct FormErrors: Sendable, Error {
    public init() {}

    private(set) var byField: [String: String] = [:]
    private(set) var list: [FieldError] = []

    /// One message beside a field, linked from the summary at the top of the form.
    public struct FieldError: Sendable {
        let field: String
        let message: String
    }

    public var isEmpty: Bool { list.isEmpty }

    public mutating func add(_ field: String, _ message: String) {
        guard byField[field] == nil else { return }
        byField[field] = message
        list.append(FieldError(field: field, message: message))
    }
}

/// Bounds of free text fields: beyond them the field is refused with a message, never cut silently.
enum FieldLimits {
    static let name = 100
    static let reason = 2000
}

/// Page numbers of a long list, with ready-made links; pages are 1-based.
struct Pagination {
    let page: Int
    let pageCount: Int
    let total: Int
    let previousURL: String?
    let nextURL: String?

    /// The page asked in `?page=`, bounded; `perPage` rows a page.
    static func page(from request: Request) -> Int {
        // Vapor decodes the whole query string to read one key, and most pages are asked without one.
        guard request.url.query != nil else { return 1 }
        return max(1, min(request.query[Int.self, at: "page"] ?? 1, 1_000_000))
    }

    init(page: Int, perPage: Int, total: Int, baseURL: String, anchor: String = "") {
        self.total = total
        pageCount = max(1, (total + perPage - 1) / perPage)
        self.page = min(page, pageCount)
        offset = (self.page - 1) * perPage
        let separator = baseURL.contains("?") ? "&" : "?"
        previousURL = self.page > 1 ? "\(baseURL)\(separator)page=\(self.page - 1)\(anchor)" : nil
        nextURL = self.page < pageCount ? "\(baseURL)\(separator)page=\(self.page + 1)\(anchor)" : nil
    }

    /// The rows of this page: `offset ..< offset + perPage`.
    let offset: Int
}
