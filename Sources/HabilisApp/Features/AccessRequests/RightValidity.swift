import Foundation

/// How a right's end reads and is chosen. A right « valable jusqu’au 12 mars 2027 » ends at midnight in Paris at
/// the start of 13 March; the application's maximum validity ends it the same day that many months later.
enum RightValidity {
    /// « 12 mars 2027 »: the last day the right is held.
    static func lastDay(of end: Date) -> String { ParisCalendar.longDate(end.addingTimeInterval(-1)) }

    /// `2027-03-12`, the value of a date input.
    static func inputValue(of end: Date) -> String {
        let parts = ParisCalendar.calendar.dateComponents([.year, .month, .day], from: end.addingTimeInterval(-1))
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// The end of a right held through the day `text` (`2027-03-12`, as a date input sends it), or nil.
    static func end(throughDay text: String) -> Date? {
        let parts = text.split(separator: "-")
        guard text.utf8.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2]), (2000...2200).contains(year)
        else { return nil }
        let components = DateComponents(year: year, month: month, day: day)
        guard components.isValidDate(in: ParisCalendar.calendar),
            let start = ParisCalendar.calendar.date(from: components)
        else { return nil }
        return ParisCalendar.adding(days: 1, to: start)
    }

    /// What a decider typed as the last day of one right.
    enum Choice: Equatable {
        /// Nothing: the application's maximum applies.
        case maximum
        case until(Date)
        /// The French message of what is wrong.
        case refused(String)
    }

    /// The decider's shorter end for one request, checked against the application's maximum.
    static func chosenEnd(_ text: String?, latest: Date, now: Date) -> Choice {
        let text = (text ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .maximum }
        guard let end = end(throughDay: text) else {
            return .refused("Indiquez la date de fin au format jj/mm/aaaa, par exemple 31/12/2027.")
        }
        guard end > ParisCalendar.adding(days: 1, to: ParisCalendar.startOfDay(now)) else {
            return .refused("La date de fin doit être postérieure à aujourd’hui.")
        }
        guard end <= ParisCalendar.adding(days: 1, to: ParisCalendar.startOfDay(latest.addingTimeInterval(-1))) else {
            return .refused(
                "La date de fin ne peut pas dépasser le \(lastDay(of: latest)), durée maximale des habilitations à "
                    + "cette application.")
        }
        return .until(end)
    }
}
