import Fluent

/// A sweep's purges delete what has aged out of a table. A database that ran long without them may hold millions of
/// such rows at the first run, so they delete in rounds, each in its own short transaction.
extension Database {
    /// What one round of `deleteInRounds` did: how many rows it selected (at most the round size) and how many rows it
    /// deleted in all, rows that hang on them included.
    typealias DeletionRound = (found: Int, deleted: Int)

    /// Runs `round` in a transaction of its own until a round finds fewer than `size` rows; returns the sum of what
    /// the rounds deleted. `round` selects at most `size` rows and deletes them. Safe when several instances purge at
    /// once: each round deletes what is still there.
    func deleteInRounds(
        of size: Int, _ round: @escaping @Sendable (any Database) async throws -> DeletionRound
    ) async throws -> Int {
        var deleted = 0
        while true {
            let done = try await atomically(round)
            deleted += done.deleted
            if done.found < size { return deleted }
        }
    }
}
