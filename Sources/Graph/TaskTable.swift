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
    private func segment(of id: Int) -> Int { Self.segment(of: id, starts: starts) }

    /// The segment holding `id`, given each segment's first instance and the total at the end.
    @inline(__always)
    static func segment<Starts: RandomAccessCollection<Int>>(of id: Int, starts: Starts) -> Int where Starts.Index == Int {
        precondition(id >= 0 && id < starts[starts.count - 1], "instance \(id) out of range")
        var lo = 0, hi = starts.count - 2
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

    /// The instances' addresses, valid only inside `body` (nothing may be added meanwhile):
    /// reading through them copies and retains nothing, where every read through the table
    /// retains its segment's buffer, which all threads reading the table share.
    func withUnsafeSegments<R>(_ body: (UnsafeSegments) throws -> R) rethrows -> R {
        let bases = UnsafeMutableBufferPointer<UnsafePointer<TaskSpec>>.allocate(capacity: Swift.max(segments.count, 1))
        let firsts = UnsafeMutableBufferPointer<Int>.allocate(capacity: starts.count)
        defer { bases.deallocate(); firsts.deallocate() }
        _ = firsts.initialize(from: starts)
        func bind(_ i: Int) throws -> R {
            if i == segments.count {
                return try body(UnsafeSegments(bases: UnsafeBufferPointer(rebasing: bases[0..<segments.count]),
                                               starts: UnsafeBufferPointer(firsts)))
            }
            return try segments[i].withUnsafeBufferPointer { b in
                (bases.baseAddress! + i).initialize(to: b.baseAddress!)
                return try bind(i + 1)
            }
        }
        return try bind(0)
    }

    /// See `withUnsafeSegments`.
    struct UnsafeSegments: @unchecked Sendable {
        let bases: UnsafeBufferPointer<UnsafePointer<TaskSpec>>
        /// The first instance of each segment, and the total at the end.
        let starts: UnsafeBufferPointer<Int>

        @inline(__always)
        func task(_ id: Int) -> UnsafePointer<TaskSpec> {
            let s = TaskTable.segment(of: id, starts: starts)
            return bases[s] + (id - starts[s])
        }
    }
}
