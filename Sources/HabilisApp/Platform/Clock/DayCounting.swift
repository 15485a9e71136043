import Foundation

/// How the portal's delays count (issue 19): calendar days, as the guide says, or French working days (« jours
/// ouvrés »: Monday to Friday without the eleven public holidays; in Alsace-Moselle also Good Friday and 26
/// December). Chosen by administrators in « Paramètres »; every due date is computed once, when its request is made.
public enum DayCounting: String, Sendable, Equatable, CaseIterable {
    case calendar
    case working

    /// The same wall-clock time `days` days later (earlier when negative), counted this way.
    public func adding(_ days: Int, to date: Date, alsaceMoselle: Bool = false) -> Date {
        switch self {
        case .calendar: return ParisCalendar.adding(days: days, to: date)
        case .working:
            var result = date
            var left = abs(days)
            let step = days < 0 ? -1 : 1
            while left > 0 {
                result = ParisCalendar.adding(days: step, to: result)
                if FrenchHolidays.isWorkingDay(result, alsaceMoselle: alsaceMoselle) { left -= 1 }
            }
            return result
        }
    }
}

/// France's public holidays, the fixed ones and those that follow Easter.
public enum FrenchHolidays {
    /// Month and day of the holidays of `year`, in Paris: eleven everywhere, thirteen in Alsace-Moselle.
    public static func holidays(of year: Int, alsaceMoselle: Bool) -> Set<DayOfYear> {
        var days: Set<DayOfYear> = [
            .init(month: 1, day: 1), .init(month: 5, day: 1), .init(month: 5, day: 8), .init(month: 7, day: 14),
            .init(month: 8, day: 15), .init(month: 11, day: 1), .init(month: 11, day: 11), .init(month: 12, day: 25),
        ]
        let easter = easterSunday(year)
        // Easter Monday, Ascension Thursday, Whit Monday.
        for offset in [1, 39, 50] { days.insert(easter.adding(offset, in: year)) }
        if alsaceMoselle {
            days.insert(easter.adding(-2, in: year))  // Good Friday
            days.insert(.init(month: 12, day: 26))
        }
        return days
    }

    /// Monday to Friday, not a public holiday, in Paris.
    public static func isWorkingDay(_ date: Date, alsaceMoselle: Bool) -> Bool {
        let parts = ParisCalendar.calendar.dateComponents([.year, .month, .day, .weekday], from: date)
        guard let weekday = parts.weekday, weekday != 1, weekday != 7, let year = parts.year else { return false }
        return !holidays(of: year, alsaceMoselle: alsaceMoselle).contains(.init(month: parts.month!, day: parts.day!))
    }

    /// Easter Sunday of `year` (Gregorian calendar; Meeus/Jones/Butcher).
    static func easterSunday(_ year: Int) -> DayOfYear {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        return DayOfYear(month: (h + l - 7 * m + 114) / 31, day: (h + l - 7 * m + 114) % 31 + 1)
    }

    /// A day of a year, by month and day.
    public struct DayOfYear: Hashable, Sendable {
        public let month: Int
        public let day: Int

        /// The day `offset` days after this one, in `year`.
        func adding(_ offset: Int, in year: Int) -> DayOfYear {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
            let moved = calendar.dateComponents(
                [.month, .day], from: calendar.date(byAdding: .day, value: offset, to: start)!)
            return DayOfYear(month: moved.month!, day: moved.day!)
        }
    }
}
