import SQLKit

/// How pages, lists and exports name a right: « Accords locaux (Rédaction) » with a profile, « Grève » without.
enum RightName {
    static func of(_ application: String, profile: String?) -> String {
        profile.map { "\(application) (\($0))" } ?? application
    }

    /// The same in SQL, from the application's and the profile's table aliases (the profile's joined with LEFT
    /// JOIN): `||` with NULL gives NULL in PostgreSQL and SQLite alike.
    static func sql(application: String, profile: String) -> SQLQueryString {
        "\(unsafeRaw: application).name || COALESCE(' (' || \(unsafeRaw: profile).label || ')', '')"
    }
}
