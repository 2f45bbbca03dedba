/// Which instances list each instance among their product inputs (the graph's reverse
/// edges). Most instances have at most one dependent (a fan-in's member), so the first is
/// kept in a flat array of 4-byte slots and only the rest in a side table: a million
/// instances cost 4 MB instead of a million one-element arrays.
public struct DependentsTable: Sendable {
    /// The first dependent of each instance, or -1.
    private var first: [Int32] = []
    /// The second and later dependents of the instances that have them.
    private var more: [Int32: [Int32]] = [:]

    public init() {}

    public var count: Int { first.count }

    /// Adds `n` instances with no dependents yet.
    mutating func grow(by n: Int) {
        first.append(contentsOf: repeatElement(-1, count: n))
    }

    /// Records that `dependent` lists `id` among its product inputs.
    mutating func add(_ dependent: InstanceID, of id: InstanceID) {
        if first[id] < 0 {
            first[id] = Int32(dependent)
        } else {
            more[Int32(id), default: []].append(Int32(dependent))
        }
    }

    /// The dependents of `id`, in the order they were added.
    public subscript(id: InstanceID) -> Dependents {
        let f = first[id]
        return Dependents(first: f, rest: f < 0 || more.isEmpty ? [] : more[Int32(id)] ?? [])
    }

    public struct Dependents: Sequence, Sendable {
        let first: Int32
        let rest: [Int32]

        public var underestimatedCount: Int { first < 0 ? 0 : 1 + rest.count }

        public func makeIterator() -> Iterator { Iterator(first: first, rest: rest) }

        public struct Iterator: IteratorProtocol {
            var first: Int32
            let rest: [Int32]
            var position = 0

            public mutating func next() -> InstanceID? {
                if first >= 0 {
                    defer { first = -1 }
                    return Int(first)
                }
                guard position < rest.count else { return nil }
                defer { position += 1 }
                return Int(rest[position])
            }
        }
    }
}
