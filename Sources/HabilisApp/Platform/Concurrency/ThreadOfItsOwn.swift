import NIOCore
import NIOPosix

/// A task executor with a thread of its own, for the timed work. Tasks run on the event loops (`HabilisMain`):
/// a sweep's batches compute for seconds, and on a loop they would hold the sockets that loop serves; on a
/// thread of their own, the kernel shares the cores between them and the pages.
final class ThreadOfItsOwn: TaskExecutor, Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        group.next().execute { job.runSynchronously(on: executor) }
    }

    /// Stops the thread once nothing runs on it any more.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
