import Foundation
import NIOConcurrencyHelpers
import Vapor

/// `habilis bcrypt-rate [--seconds 5]`: verifies of the portal's Bcrypt cost per second on every core, the
/// ceiling the sign-in rate of `scripts/bench` is compared with.
struct BcryptRateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "seconds", help: "How long to measure (default 5).")
        var seconds: Int?
    }

    var help: String { "Measures the raw Bcrypt verification rate (for scripts/bench)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let cost = app.settings.bcryptCost
        let hash = try Bcrypt.hash(PasswordHasher.prehash("mesure du débit bcrypt"), cost: cost)
        let duration = TimeInterval(max(1, signature.seconds ?? 5))
        let threads = ProcessInfo.processInfo.activeProcessorCount
        let deadline = Date().addingTimeInterval(duration)
        let count = NIOLockedValueBox(0)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<threads {
                group.addTask {
                    while Date() < deadline {
                        _ = try? Bcrypt.verify(PasswordHasher.prehash("mesure du débit bcrypt"), created: hash)
                        count.withLockedValue { $0 += 1 }
                    }
                }
            }
        }
        let rate = Double(count.withLockedValue { $0 }) / duration
        context.console.print(String(format: "%.1f", rate))
    }
}
