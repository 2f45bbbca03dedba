/// The instances of a graph, family by family: each family's `[TaskSpec]` is kept as the
/// family expanded it, so adding a family never copies the instances already there (one
/// contiguous array would, at every family that follows a million-instance fan-out: a
/// hundred megabytes copied and held twice for a moment).
public struct TaskTable: RandomAccessCollection, Sendable {
    private var segments: [[TaskSpec]] = []
    /// The first instance of each segment, and the total at the end.
    private var starts: [Int] = [0]

    public init() {}

    public var startIndex: Int { 0 }
    public var endIndex: Int { starts[starts.count - 1] }

    /// The segment holding `id`: the last one starting at or before it.
    @inline(__always)
    private func segment(of id: Int) -> Int {
        precondition(id >= 0 && id < endIndex, "instance \(id) out of range")
        var lo = 0, hi = segments.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= id { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    public subscript(id: Int) -> TaskSpec {
        let s = segment(of: id)
        return segments[s][id - starts[s]]
    }

    /// Adds a family's instances after the others (no copy of `specs`).
    mutating func append(segment specs: [TaskSpec]) {
        guard !specs.isEmpty else { return }
        segments.append(specs)
        starts.append(endIndex + specs.count)
    }

    /// Reads one instance in place (no copy of its arrays and strings).
    @inline(__always)
    func withTask<R>(_ id: Int, _ body: (UnsafePointer<TaskSpec>) throws -> R) rethrows -> R {
        let s = segment(of: id)
        return try segments[s].withUnsafeBufferPointer { try body($0.baseAddress! + (id - starts[s])) }
    }
}
