import Fluent
import Foundation
import Testing
import Vapor

@testable import HabilisApp

@Suite("Working days: delays in « jours ouvrés », across holidays, Easter and the DST weeks")
struct WorkingDaysTests {
    /// 9:00 in Paris on that day.
    static func paris(_ year: Int, _ month: Int, _ day: Int, hour: Int = 9) -> Date {
        ParisCalendar.calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour))!
    }

    static func day(_ date: Date) -> String {
        let parts = ParisCalendar.calendar.dateComponents([.year, .month, .day, .hour], from: date)
        return String(format: "%04d-%02d-%02d %02dh", parts.year!, parts.month!, parts.day!, parts.hour!)
    }

    @Test("Easter and the holidays that follow it, for several years")
    func easter() {
        #expect(FrenchHolidays.easterSunday(2026) == .init(month: 4, day: 5))
        #expect(FrenchHolidays.easterSunday(2027) == .init(month: 3, day: 28))
        #expect(FrenchHolidays.easterSunday(2024) == .init(month: 3, day: 31))
        #expect(FrenchHolidays.easterSunday(2038) == .init(month: 4, day: 25))
        let holidays = FrenchHolidays.holidays(of: 2026, alsaceMoselle: false)
        #expect(holidays.count == 11)
        for (month, day) in [
            (4, 6), (5, 14), (5, 25), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25), (1, 1),
        ] {
            #expect(holidays.contains(.init(month: month, day: day)), "\(day)/\(month)")
        }
        let alsace = FrenchHolidays.holidays(of: 2026, alsaceMoselle: true)
        #expect(alsace.count == 13)
        #expect(alsace.contains(.init(month: 4, day: 3)) && alsace.contains(.init(month: 12, day: 26)))
    }

    @Test("10 working days across Easter, 1 and 8 May, 14 July, Christmas and New Year, and the DST changes")
    func adding() {
        let working = DayCounting.working
        // Thursday 2 April 2026: Easter Monday (6) does not count; the clocks changed on 29 March.
        #expect(Self.day(working.adding(10, to: Self.paris(2026, 4, 2))) == "2026-04-17 09h")
        // In Alsace-Moselle Good Friday (3) does not count either.
        #expect(Self.day(working.adding(10, to: Self.paris(2026, 4, 2), alsaceMoselle: true)) == "2026-04-20 09h")
        // Thursday 30 April: 1 May (Friday), 8 May (Friday), Ascension 14 May.
        #expect(Self.day(working.adding(10, to: Self.paris(2026, 4, 30))) == "2026-05-19 09h")
        // Friday 10 July: 14 July (Tuesday).
        #expect(Self.day(working.adding(10, to: Self.paris(2026, 7, 10))) == "2026-07-27 09h")
        // Monday 21 December: 25 December and 1 January; 26 December is a Saturday anyway.
        #expect(Self.day(working.adding(10, to: Self.paris(2026, 12, 21))) == "2027-01-06 09h")
        // Across the October change (25 October 2026), the wall-clock time stays.
        #expect(Self.day(working.adding(5, to: Self.paris(2026, 10, 22, hour: 15))) == "2026-10-29 15h")
        // Backwards, for the escalation threshold: from Tuesday 7 April, 2 working days back is Thursday 2 April.
        #expect(Self.day(working.adding(-2, to: Self.paris(2026, 4, 7))) == "2026-04-02 09h")
        // Calendar days stay the guide's.
        #expect(Self.day(DayCounting.calendar.adding(10, to: Self.paris(2026, 4, 2))) == "2026-04-12 09h")
    }

    @Test("chosen in « Paramètres », the working days give the due date shown and kept; Alsace-Moselle adds its own")
    func dueDateOfRequests() async throws {
        try await withTestApp { context in
            // Thursday 2 April 2026, 9:00 in Paris.
            context.clock.set(Self.paris(2026, 4, 2))
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let settings = try await administrator.get(Paths.adminSettings)
            #expect(settings.contains("Jours ouvrés"))
            let saved = try await administrator.post(
                Paths.adminSettings,
                [
                    ("delai", "10"), ("rappel", "2"), ("webmaster", "webmaster@ucanss.fr"),
                    ("contactAdd", "labdd@ucanss.fr"), ("decompte", "working"),
                ])
            #expect(saved.contains("Les paramètres ont été enregistrés."))
            #expect(try await context.auditActions().contains("settings.saved"))

            let agent = context.browser()
            try await agent.signIn(DemoWorld.agentEmail)
            let preview = try await agent.get(Paths.requestAccess("GREVE"))
            #expect(preview.contains("17 avril 2026"), "\(preview.text)")
            try await agent.post(Paths.requestAccess("GREVE"), [("justification", "")])
            let request = try #require(try await Given.requests(of: DemoWorld.agentEmail, on: context.db).first)
            #expect(Self.day(request.dueAt) == "2026-04-17 09h")

            // CAF du Rhône declared in Alsace-Moselle, for the test's sake.
            let caf = try await Given.organisation("CAF-69", on: context.db)
            caf.isInAlsaceMoselle = true
            try await caf.update(on: context.db)
            try await requestAccess("GREVE", as: DemoWorld.cafAgentEmail, context: context)
            let cafRequest = try #require(try await Given.requests(of: DemoWorld.cafAgentEmail, on: context.db).first)
            #expect(Self.day(cafRequest.dueAt) == "2026-04-20 09h")

            // The sweep on Wednesday 15 April reminds (due within 2 working days) and accepts nothing yet.
            context.clock.set(Self.paris(2026, 4, 15))
            let report = try await context.app.sweep(asOf: context.clock.now)
            #expect(report.accessRequests.autoAccepted == 0)
            #expect(report.accessRequests.reminded == 1)
            context.clock.set(Self.paris(2026, 4, 17, hour: 10))
            #expect(try await context.app.sweep(asOf: context.clock.now).accessRequests.autoAccepted == 1)
        }
    }

    @Test("an administrator marks an organisme of Alsace-Moselle")
    func alsaceMoselleFlag() async throws {
        try await withTestApp { context in
            let administrator = context.browser()
            try await administrator.signIn(DemoWorld.administratorEmail)
            let caf = try await Given.organisation("CAF-69", on: context.db)
            let page = try await administrator.get(Paths.adminOrganisation(caf.id!))
            #expect(page.contains("Organisme d’Alsace-Moselle"))
            let saved = try await administrator.post(
                Paths.adminOrganisation(caf.id!),
                [
                    ("code", "CAF-69"), ("name", "CAF du Rhône"), ("branch", "famille"), ("mailDomains", "caf.fr"),
                    ("active", "1"), ("alsaceMoselle", "1"),
                ])
            #expect(saved.status == .seeOther, "\(saved.text)")
            #expect(try await Given.organisation("CAF-69", on: context.db).isInAlsaceMoselle)
        }
    }
}
