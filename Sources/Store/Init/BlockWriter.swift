import Dispatch
import Synchronization

/// Writes blocks on a thread of its own while the caller reads the next block, one block at
/// a time and in order: reading a catalogue and writing it overlap on two cores. The first
/// error stops the writing; `finish()` waits for the last block and rethrows it, so the
/// caller's transaction can roll everything back.
final class BlockWriter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "arrakis.init.writer")
    /// At most one block waits while another is written: memory stays at two blocks.
    private let slots = DispatchSemaphore(value: 2)
    private let failure = Mutex<Error?>(nil)

    /// A job and what it captures, handed to the writing thread (which alone runs it).
    private struct Job: @unchecked Sendable { let run: () throws -> Void }

    init() {}

    /// Queues a job (writing one block); throws the error of an earlier job, if any.
    func submit(_ run: @escaping () throws -> Void) throws {
        if let e = failure.withLock({ $0 }) { throw e }
        slots.wait()
        let job = Job(run: run)
        queue.async { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 == nil }) else { return }
            do { try job.run() } catch { failure.withLock { $0 = $0 ?? error } }
        }
    }

    /// Queues a block of rows, made into upserts and written on the writing thread.
    func submit<Rows>(_ collection: PipelineCollection, _ rows: Rows, make: @escaping (Rows) -> [Upsert],
                      write: @escaping (PipelineCollection, [Upsert]) throws -> Void) throws {
        try submit { try write(collection, make(rows)) }
    }

    /// Waits until every queued block is written; throws the first error.
    func finish() throws {
        queue.sync {}
        if let e = failure.withLock({ $0 }) { throw e }
    }
}
