import Foundation
import Testing

@testable import HabilisApp

@Suite("Paris days: the fast day arithmetic agrees with the calendar, across midnight and both DST changes")
struct ParisCalendarTests {
    /// The reference: Foundation's calendar and formatter in Europe/Paris.
    static func reference(_ from: Date, _ to: Date) -> (days: Int, text: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let days = calendar.dateComponents(
            [.day], from: calendar.startOfDay(for: from), to: calendar.startOfDay(for: to)
        ).day!
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "fr_FR")
        formatter.timeZone = calendar.timeZone
        formatter.dateFormat = "dd/MM/yyyy"
        return (days, formatter.string(from: to))
    }

    @Test(
        "every 17 minutes around the changes of 29 March and 25 October 2026",
        arguments: [1_774_656_000.0, 1_792_886_400.0])
    func aroundDaylightSavingChanges(start: TimeInterval) {
        let from = Date(timeIntervalSince1970: start - 5 * 86_400)
        for step in 0..<(4 * 24 * 60 / 17) {
            let instant = Date(timeIntervalSince1970: start - 2 * 86_400 + Double(step * 17 * 60))
            let expected = Self.reference(from, instant)
            #expect(ParisCalendar.daysBetween(from, instant) == expected.days, "\(instant)")
            #expect(ParisCalendar.shortDate(instant) == expected.text, "\(instant)")
        }
    }
}
