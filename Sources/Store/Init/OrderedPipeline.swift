import Dispatch
import Synchronization

/// Makes numbered pieces of work on other threads and hands them to the calling thread in
/// order, at most `ahead` pieces ahead of it: the caller (writing to a database, which one
/// thread must do) and the makers (on the other cores) overlap, and memory stays bounded.
enum OrderedPipeline {
    static func run<T: Sendable>(count: Int, ahead: Int, make: @escaping @Sendable (Int) -> T,
                                 consume: (Int, T) throws -> Void) throws {
        guard count > 0 else { return }
        let results = Mutex([T?](repeating: nil, count: count))
        let ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        let room = DispatchSemaphore(value: max(1, ahead))
        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()
        // One feeder hands out the pieces in order; the global queue runs them on the cores.
        DispatchQueue.global().async(group: group) {
            for i in 0..<count {
                room.wait()
                if stop.load(ordering: .relaxed) {
                    ready[i].signal()
                    continue
                }
                DispatchQueue.global().async(group: group) {
                    let value = stop.load(ordering: .relaxed) ? nil : make(i)
                    results.withLock { $0[i] = value }
                    ready[i].signal()
                }
            }
        }
        defer {
            stop.store(true, ordering: .relaxed)
            for _ in 0..<count { room.signal() }
            group.wait()
        }
        for i in 0..<count {
            ready[i].wait()
            guard let value = results.withLock({ r -> T? in defer { r[i] = nil }; return r[i] }) else { return }
            try consume(i, value)
            room.signal()
        }
    }
}
