import Foundation
import NIOConcurrencyHelpers

/// Days counted as people in France count them: "10 days" stays 10 calendar days across the DST weeks.
public enum ParisCalendar {
    public static let timeZone = TimeZone(identifier: "Europe/Paris")!

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        calendar.locale = Locale(identifier: "fr_FR")
        return calendar
    }()

    /// The same wall-clock time `days` later in Paris.
    public static func adding(days: Int, to date: Date) -> Date {
        calendar.date(byAdding: .day, value: days, to: date) ?? date.addingTimeInterval(Double(days) * 86_400)
    }

    /// Whole days from the start of `from`'s day to the start of `to`'s day, in Paris.
    public static func daysBetween(_ from: Date, _ to: Date) -> Int {
        let start = calendar.startOfDay(for: from)
        let end = calendar.startOfDay(for: to)
        return calendar.dateComponents([.day], from: start, to: end).day ?? 0
    }

    /// "2 mars 2026".
    public static func longDate(_ date: Date) -> String { format(date, "d MMMM yyyy") }

    /// "2 mars 2026 à 10:15".
    public static func longDateTime(_ date: Date) -> String { format(date, "d MMMM yyyy 'à' HH:mm") }

    /// "02/03/2026", for dense tables.
    public static func shortDate(_ date: Date) -> String { format(date, "dd/MM/yyyy") }

    /// Formatters are costly to build: one per pattern, shared under a lock (pages format many dates).
    private static let formatters = NIOLockedValueBox<[String: DateFormatter]>([:])

    private static func format(_ date: Date, _ pattern: String) -> String {
        formatters.withLockedValue { cache in
            let formatter =
                cache[pattern]
                ?? {
                    let formatter = DateFormatter()
                    formatter.locale = Locale(identifier: "fr_FR")
                    formatter.timeZone = timeZone
                    formatter.dateFormat = pattern
                    cache[pattern] = formatter
                    return formatter
                }()
            return formatter.string(from: date)
        }
    }
}
