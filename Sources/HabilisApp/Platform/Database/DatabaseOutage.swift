import FluentPostgresDriver
import FluentSQLiteDriver
import Vapor

/// Tells an outage of the database (server down or restarting, connections refused or cut, pool exhausted, SQLite
/// file locked past the busy timeout, disk full or failing) from a fault of the request. An outage is answered
/// 503 with `Retry-After`, and the pool reconnects by itself once the database is back (SECURITY.md R8).
enum DatabaseOutage {
    /// Seconds a client is asked to wait before trying again.
    static let retryAfterSeconds = 30

    static func isOutage(_ error: any Error) -> Bool {
        switch error {
        case let error as PSQLError:
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return true
            case .server:
                return error.serverInfo?[.sqlState].map(isUnavailableState) ?? false
            case .unexpectedBackendMessage:
                // A server shutting down sends FATAL 57P01 whatever the connection is doing; caught between a query's
                // completion and its ready-for-query, the driver reports it as unexpected and only its description
                // carries the state (seen in the soak's PostgreSQL restart as a 500 on a sign-on).
                return reportedState(in: String(reflecting: error)).map(isUnavailableState) ?? false
            default:
                return false
            }
        case is ConnectionPoolTimeoutError, is ConnectionPoolError, is LostConnection:
            return true
        case let error as SQLiteError:
            // The extended codes are families of the basic ones (`busyTimeout`, `ioErrorFailedWrite`…).
            let reason = String(describing: error.reason)
            return ["busy", "locked", "ioError", "full", "cantOpen", "readOnly", "readonly"].contains {
                reason.hasPrefix($0)
            }
        default:
            return false
        }
    }

    /// The SQLSTATE of an error response the driver describes as `Code: "57P01"`.
    private static func reportedState(in description: String) -> String? {
        guard let match = description.firstMatch(of: #/Code: "([0-9A-Z]{5})"/#) else { return nil }
        return String(match.1)
    }

    /// PostgreSQL states of a server that cannot serve now: connection exceptions (class 08), insufficient
    /// resources (class 53: disk full, out of memory, too many connections), shutdown and start-up (57P01–57P03).
    private static func isUnavailableState(_ state: String) -> Bool {
        state.hasPrefix("08") || state.hasPrefix("53") || ["57P01", "57P02", "57P03"].contains(state)
    }
}
