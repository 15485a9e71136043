import Vapor

/// The table of contents of the portal: one controller per feature of the guide.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: SignInController())
    try app.register(collection: HomeController())
    try app.register(collection: AssistanceController())
}
