import Fluent
import Foundation

extension Database {
    /// Runs one user action in one transaction. On SQLite two writers that both read first can deadlock, and
    /// SQLite then refuses one at once with "database is locked" instead of waiting; the whole transaction is
    /// retried a few times (it rolled back, so retrying is safe). PostgreSQL never takes this path.
    public func atomically<T: Sendable>(_ work: @Sendable @escaping (any Database) async throws -> T) async throws -> T
    {
        var attempt = 0
        while true {
            do {
                return try await transaction(work)
            } catch  where attempt < 20 && Self.isBusy(error) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...20) * attempt))
            }
        }
    }

    static func isBusy(_ error: any Error) -> Bool {
        let text = String(describing: error)
        return text.contains("database is locked") || text.contains("database table is locked")
    }
}
