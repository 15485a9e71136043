import Foundation

/// Reading and writing the CSV files administrators exchange with spreadsheets (semicolon or comma separated).
enum CSV {
    /// Rows of cells; the delimiter is the one of the header line. Quotes, doubled quotes, CRLF and a UTF-8 BOM are
    /// understood.
    static func parse(_ text: String) -> [[String]] {
        var content = Substring(text)
        if content.hasPrefix("\u{FEFF}") { content = content.dropFirst() }
        let firstLine = content.prefix { $0 != "\n" && $0 != "\r\n" }
        let delimiter: Character =
            firstLine.filter { $0 == ";" }.count >= firstLine.filter { $0 == "," }.count
            ? ";" : ","
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var inQuotes = false
        var iterator = content.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if character == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            cell.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    cell.append(character)
                }
                continue
            }
            switch character {
            case "\"" where cell.isEmpty: inQuotes = true
            case delimiter:
                row.append(cell)
                cell = ""
            case "\n", "\r\n", "\r":
                row.append(cell)
                cell = ""
                if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
                row = []
            default: cell.append(character)
            }
        }
        row.append(cell)
        if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
        return rows
    }

    /// One CSV document with a header, `;`-separated, every cell quoted; cells a spreadsheet would run as a formula
    /// (starting with = + - @ tab or CR) are prefixed with a quote (OWASP CSV injection).
    static func write(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map(line).joined()
    }

    /// One row of such a document, with its line end.
    static func line(_ cells: [String]) -> String {
        cells.map(quote).joined(separator: ";") + "\r\n"
    }

    static func quote(_ value: String) -> String {
        var safe = value
        if let first = safe.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { safe = "'" + safe }
        return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
