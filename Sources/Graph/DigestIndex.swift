import CXXHash

/// A map from `Digest` to a non-negative `Int32` (a record number), built once at open and
/// read from many threads. Open addressing with linear probing on the digest's own bits:
/// digests are already uniformly distributed, so no further hashing is needed (the
/// standard `Dictionary` would run SipHash over all 16 bytes for every insert and lookup).
struct DigestIndex: Sendable {
    private var keys: [Digest]
    /// -1 marks an empty slot.
    private var values: [Int32]
    private let mask: Int
    public private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = Array(repeating: .zero, count: size)
        values = Array(repeating: -1, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ d: Digest) -> Int { Int(truncatingIfNeeded: d.low ^ (d.high >> 7)) & mask }

    /// Sets the value of `key`; returns the previous value, if any.
    @discardableResult
    mutating func update(_ value: Int32, forKey key: Digest) -> Int32? {
        precondition(value >= 0 && count < mask)
        var i = slot(key)
        while true {
            let v = values[i]
            if v < 0 {
                keys[i] = key
                values[i] = value
                count += 1
                return nil
            }
            if keys[i] == key {
                values[i] = value
                return v
            }
            i = (i + 1) & mask
        }
    }

    /// Starts loading the slot where `key`'s insert or lookup begins (a hint: changes
    /// nothing), for a caller that knows its next keys: a million inserts at random slots of
    /// a table tens of megabytes long otherwise wait on a cache miss each.
    @inline(__always)
    func prefetch(_ key: Digest) {
        let i = slot(key)
        keys.withUnsafeBufferPointer { arrakis_prefetch($0.baseAddress! + i) }
        values.withUnsafeBufferPointer { arrakis_prefetch($0.baseAddress! + i) }
    }

    subscript(key: Digest) -> Int32? {
        var i = slot(key)
        return keys.withUnsafeBufferPointer { k in
            values.withUnsafeBufferPointer { v in
                while true {
                    let x = v[i]
                    if x < 0 { return nil }
                    if k[i] == key { return x }
                    i = (i + 1) & mask
                }
            }
        }
    }

    /// Room for `total` keys in all without passing half full (rehashes when it must).
    mutating func reserve(_ total: Int) {
        guard total * 2 > mask + 1 else { return }
        var bigger = DigestIndex(capacity: total)
        forEach { bigger.update($1, forKey: $0) }
        self = bigger
    }

    /// Every (key, value), in no particular order.
    func forEach(_ body: (Digest, Int32) -> Void) {
        for i in 0..<values.count where values[i] >= 0 { body(keys[i], values[i]) }
    }
}
