/// Lets concurrentPerform write disjoint slots of one buffer.
struct UncheckedBox<T>: @unchecked Sendable {
    var value: T
    init(_ v: T) { value = v }
}
