import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("The catalogue: every active application, held, pending or locked")
struct CatalogueTests {
    @Test("a visitor is sent to the sign-in page")
    func visitor() async throws {
        try await withTestApp { context in
            let page = try await context.browser().get(Paths.home)
            #expect(page.status == .seeOther)
            #expect(page.location == Paths.signIn)
        }
    }

    @Test("held applications open, others are locked with a text equivalent and can be requested")
    func states() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.home)
            #expect(page.contains("Toutes les applications de l’offre de services de l’UCANSS sont accessibles"))
            #expect(page.contains("Accords locaux (accès ouvert, profil Consultation)"))
            #expect(
                page.html.contains(
                    "href=\"/applications/ACCORDS-LOCAUX/demande\">Demander un autre profil sur Accords locaux</a>"))
            #expect(page.html.contains("href=\"/applications/ACCORDS-LOCAUX/acces\">Accéder à l’application</a>"))
            #expect(page.contains("Droit syndical 🔒 (accès non attribué)"))
            #expect(page.contains("Demander l’accès à l’application Droit syndical"))
            #expect(page.html.contains("<details id=\"application-greve\">"))
            #expect(page.html.contains("<span class=\"lock\" aria-hidden=\"true\">"))
        }
    }

    @Test("an inactive application is not listed")
    func inactive() async throws {
        try await withTestApp { context in
            try await BusinessApplication.query(on: context.db).filter(\.$code == "GREVE")
                .set(\.$isActive, to: false).update()
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            #expect(!(try await browser.get(Paths.home)).contains("Grève"))
            #expect(try await browser.get(Paths.requestAccess("GREVE")).status == .notFound)
        }
    }

    @Test("a pending request shows since when and the date of automatic acceptance")
    func pending() async throws {
        try await withTestApp { context in
            try await requestAccess("GREVE", as: DemoWorld.agentEmail, context: context)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.home)
            #expect(page.contains("Grève (demande en cours depuis le 2 mars 2026)"))
            #expect(
                page.contains(
                    "Demande en cours depuis le 2 mars 2026. Sauf refus formel, elle sera acceptée "
                        + "automatiquement le 12 mars 2026."))
            #expect(!page.contains("Demander l’accès à l’application Grève"))
        }
    }
}
