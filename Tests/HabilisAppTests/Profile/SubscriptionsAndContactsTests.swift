import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Mes abonnements and Mes contacts")
struct SubscriptionsAndContactsTests {
    @Test("one checkbox per newsletter, unticked by default; validating keeps exactly the ticked ones")
    func subscriptions() async throws {
        try await withTestApp { context in
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.mySubscriptions)
            for title in [
                "Lettre d'information RH", "Lettre d'information Achats", "Lettre d'information Immobilier",
                "Lettre d'information RSO", "Lettre d'information Agent de direction",
                "Lettre d'information Marchés publics", "Valider mes abonnements",
            ] {
                #expect(page.contains(title))
            }
            #expect(!page.html.contains("checked"))
            let newsletters = try await Newsletter.query(on: context.db).sort(\.$position).all()
            let done = try await browser.post(
                Paths.mySubscriptions,
                [
                    ("lettres[]", newsletters[0].id!.uuidString), ("lettres[]", newsletters[3].id!.uuidString),
                    ("lettres[]", UUID().uuidString),
                ])
            #expect(try await browser.get(try #require(done.location)).contains("Vos abonnements ont été enregistrés."))
            #expect(try await Subscription.query(on: context.db).count() == 2)
            let subscription = try #require(try await Subscription.query(on: context.db).first())
            #expect(subscription.subscribedAt == testEpoch)

            try await browser.post(Paths.mySubscriptions, [("lettres[]", newsletters[3].id!.uuidString)])
            let remaining = try await Subscription.query(on: context.db).all()
            #expect(remaining.map(\.$newsletter.id) == [newsletters[3].id!])
            #expect(try await context.auditActions().filter { $0 == "subscriptions.updated" }.count == 2)
        }
    }

    @Test("a forged post cannot change another agent's subscriptions")
    func forged() async throws {
        try await withTestApp { context in
            let newsletter = try #require(try await Newsletter.query(on: context.db).first())
            let leroy = try await Given.agent(DemoWorld.directorEmail, on: context.db)
            try await Subscription(agentID: leroy.id!, newsletterID: newsletter.id!, subscribedAt: testEpoch).create(
                on: context.db)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            try await browser.get(Paths.mySubscriptions)
            try await browser.post(Paths.mySubscriptions, [("agent", leroy.id!.uuidString)])
            #expect(try await Subscription.query(on: context.db).filter(\.$agent.$id == leroy.id!).count() == 1)
        }
    }

    @Test("Mes contacts lists the correspondents of the agent's organisme and second organisme")
    func contacts() async throws {
        try await withTestApp { context in
            let charenne = try await Given.agent(DemoWorld.agentEmail, on: context.db)
            let caf = try await Given.organisation("CAF-69", on: context.db)
            charenne.$secondOrganisation.id = caf.id
            try await charenne.update(on: context.db)
            let browser = context.browser()
            try await browser.signIn(DemoWorld.agentEmail)
            let page = try await browser.get(Paths.myContacts)
            #expect(
                page.contains(
                    "La gestion des droits sur le site de l’Ucanss est en partie décentralisée au sein "
                        + "de votre organisme. Pour toute question relative à une demande d’habilitation, vous pouvez contacter :"
                ))
            #expect(page.contains("CARSAT Rhône-Alpes Marie Durand \(DemoWorld.correspondentEmail)"))
            #expect(page.contains("CAF du Rhône Votre organisme ne dispose pas de correspondant local"))
            #expect(page.contains("webmaster@ucanss.fr"))
        }
    }

    @Test("the FAQ is reached from every page's footer and lists the active entries")
    func faq() async throws {
        try await withTestApp { context in
            let signIn = try await context.browser().get(Paths.signIn)
            #expect(signIn.html.contains("<a href=\"/faq\">Consultez notre foire aux questions</a>"))
            #expect(signIn.contains("webmaster@ucanss.fr"))
            let page = try await context.browser().get(Paths.faq)
            #expect(page.contains("J’ai oublié mon mot de passe : que faire ?"))
        }
    }
}
