import Fluent
import Vapor

/// The FAQ, the personal data notice and the accessibility statement, reached from the footer of every page. Open to
/// everyone.
struct AssistanceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(Paths.faq.pathComponents, use: faq)
        routes.get(Paths.privacy.pathComponents, use: privacy)
        routes.get(Paths.accessibility.pathComponents, use: accessibility)
    }

    /// "Données personnelles" (RGPD article 13): what is kept, why, how long, and the rights of the people.
    func privacy(req: Request) async throws -> Response {
        let settings = req.application.settings
        return req.page(
            PrivacyPage(
                frame: PageFrame(req, title: "Données personnelles"),
                auditRetentionDays: settings.auditRetentionDays,
                proofValidityHours: settings.proofValidityHours, myDataURL: Paths.myData,
                mySessionsURL: Paths.mySessions, myDetailsURL: Paths.myDetails))
    }

    /// The accessibility statement (loi 2005-102, article 47): without a complete audit, the portal is declared
    /// non-compliant, and the page says what is checked on every release.
    func accessibility(req: Request) async throws -> Response {
        req.page(AccessibilityPage(frame: PageFrame(req, title: "Accessibilité")))
    }

    /// "Consultez notre foire aux questions".
    func faq(req: Request) async throws -> Response {
        let entries = try await FAQEntry.query(on: req.db)
            .filter(\.$isActive == true)
            .sort(\.$position)
            .all()
        let page = FAQPage(
            frame: PageFrame(req, title: "Foire aux questions"),
            entries: entries.map { FAQPage.Entry(question: $0.question, answer: $0.answer) })
        return req.page(page)
    }
}

/// "Données personnelles".
struct PrivacyPage {
    let frame: PageFrame
    let auditRetentionDays: Int
    let proofValidityHours: Int
    let myDataURL: String
    let mySessionsURL: String
    let myDetailsURL: String
}

/// "Accessibilité".
struct AccessibilityPage {
    let frame: PageFrame
}

/// The FAQ page.
struct FAQPage {
    /// One question and its answer.
    struct Entry {
        let question: String
        let answer: String
    }

    let frame: PageFrame
    let entries: [Entry]
}
