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

    /// Midnight in Paris at the beginning of `date`'s day.
    public static func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    /// Whole days from the start of `from`'s day to the start of `to`'s day, in Paris.
    public static func daysBetween(_ from: Date, _ to: Date) -> Int {
        localDay(to) - localDay(from)
    }

    /// "2 mars 2026".
    public static func longDate(_ date: Date) -> String { dayText(date, "d MMMM yyyy") }

    /// "2 mars 2026 à 10:15".
    public static func longDateTime(_ date: Date) -> String { format(date, "d MMMM yyyy 'à' HH:mm") }

    /// "02/03/2026", for dense tables.
    public static func shortDate(_ date: Date) -> String { dayText(date, "dd/MM/yyyy") }

    /// The number of the Paris calendar day of `date` (days since 1 January 1970 in Paris). Calendar and
    /// formatter calls go through ICU and cost microseconds each; a queue page makes hundreds of them, so the
    /// offset from UTC is kept per hour (Paris changes offset only on the hour) and day texts per day.
    static func localDay(_ date: Date) -> Int {
        let seconds = date.timeIntervalSince1970
        let hour = Int((seconds / 3600).rounded(.down))
        let offset =
            offsets.withLockedValue { $0[hour] }
            ?? {
                let offset = timeZone.secondsFromGMT(for: date)
                offsets.withLockedValue { cache in
                    if cache.count > 100_000 { cache.removeAll() }
                    cache[hour] = offset
                }
                return offset
            }()
        return Int(((seconds + Double(offset)) / 86_400).rounded(.down))
    }

    private static let offsets = NIOLockedValueBox<[Int: Int]>([:])
    private static let dayTexts = NIOLockedValueBox<[String: [Int: String]]>([:])

    /// A date-only text, formatted once per Paris day and pattern.
    private static func dayText(_ date: Date, _ pattern: String) -> String {
        let day = localDay(date)
        if let text = dayTexts.withLockedValue({ $0[pattern]?[day] }) { return text }
        let text = format(date, pattern)
        dayTexts.withLockedValue { cache in
            if cache[pattern, default: [:]].count > 50_000 { cache[pattern] = [:] }
            cache[pattern, default: [:]][day] = text
        }
        return text
    }

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
