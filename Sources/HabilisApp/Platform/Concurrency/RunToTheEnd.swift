/// Runs `work` in a task of its own, which a client going away does not cancel. Vapor cancels a request's task when
/// its connection closes: a sign-in cancelled between its reservation and its outcome left the reservation counted
/// as a failure, so that a browser's aborted double submit (or a load tool's stop) locked the owner out.
func runToTheEnd<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
    try await Task { try await work() }.value
}
