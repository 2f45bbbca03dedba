import Dispatch
import Synchronization

/// Writes blocks of rows as upserts on a thread of its own while the caller reads the next block,
/// one block at a time and in order: reading a catalogue and writing it overlap on two
/// cores. The first error stops the writing; `finish()` waits for the last block and
/// rethrows it, so the caller's transaction can roll everything back.
final class BlockWriter: @unchecked Sendable {
    typealias Write = (PipelineCollection, [Upsert]) throws -> Void

    private let write: Write
    private let queue = DispatchQueue(label: "arrakis.init.writer")
    /// At most one block waits while another is written: memory stays at two blocks.
    private let slots = DispatchSemaphore(value: 2)
    private let failure = Mutex<Error?>(nil)

    init(_ write: @escaping Write) { self.write = write }

    /// Queues a block, made into upserts by `make` on the writing thread; throws the error
    /// of an earlier block, if any.
    func submit<Rows: Sendable>(_ collection: PipelineCollection, _ rows: Rows,
                                make: @escaping @Sendable (Rows) -> [Upsert]) throws {
        if let e = failure.withLock({ $0 }) { throw e }
        slots.wait()
        queue.async { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 == nil }) else { return }
            do { try write(collection, make(rows)) } catch { failure.withLock { $0 = $0 ?? error } }
        }
    }

    /// Waits until every queued block is written; throws the first error.
    func finish() throws {
        queue.sync {}
        if let e = failure.withLock({ $0 }) { throw e }
    }
}
