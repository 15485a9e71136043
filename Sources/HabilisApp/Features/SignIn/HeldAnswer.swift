/// An attempt refused because its budget is spent is answered after a pause. The pause costs no CPU (the request
/// only sleeps), but it slows a script looping on its connections from hundreds of answers a second to one per
/// connection each second, so that the pages of signed-in people keep their latency during an attack. A person
/// held sees the same message, one second later.
enum HeldAnswer {
    static let delay: Duration = .seconds(1)

    static func wait() async {
        // A client that leaves cancels the request: nothing is owed to it.
        try? await Task.sleep(for: delay)
    }
}
