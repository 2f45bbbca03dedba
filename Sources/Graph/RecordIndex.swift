import CXXHash

/// A map from a record's key digest to where its payload starts in a `RecordLog` whose
/// payloads start with that 16-byte key (traces, digest-cache entries), built at open and
/// read from many threads.
///
/// Unlike `DigestIndex` it does not copy the keys: a slot holds the payload's offset and 24
/// bits of the key (8 bytes instead of 24), and the key itself is compared in the mapped
/// record only when those bits match, which is almost always the record the caller reads
/// next anyway. For the 3 million records of a 10^6-product work directory that is 72 MB
/// less to hold, and a lookup reads the slot and then the record: nothing in between.
struct RecordIndex: @unchecked Sendable {
    private let log: RecordLog
    /// `tag << 40 | offset`; 0 marks an empty slot (no payload starts at offset 0: the
    /// record's length and checksum come first).
    private let slots: HashSlots
    private let mask: Int
    private(set) var count = 0

    private static let offsetBits: UInt64 = 40
    private static let offsetMask: UInt64 = (1 << offsetBits) - 1

    init(log: RecordLog, capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        self.log = log
        slots = HashSlots(count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ d: Digest) -> Int { Int(truncatingIfNeeded: d.low ^ (d.high >> 7)) & mask }

    @inline(__always)
    private static func tag(_ d: Digest) -> UInt64 { (d.high >> offsetBits) << offsetBits }

    /// The key of the record whose payload starts at `offset` (its first 16 bytes).
    @inline(__always)
    func key(at offset: Int) -> Digest {
        let raw = log.contents
        return Digest(high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)),
                      low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self)))
    }

    /// Points `key` at the payload at `offset` (which starts with `key`); returns the offset
    /// it pointed at before, if any.
    @discardableResult
    mutating func update(_ offset: Int, forKey key: Digest) -> Int? {
        precondition(offset > 0 && UInt64(offset) <= Self.offsetMask && count < mask)
        let tag = Self.tag(key)
        let entry = tag | UInt64(offset)
        let slots = self.slots.pointer
        var i = slot(key)
        while true {
            let s = slots[i]
            if s == 0 {
                slots[i] = entry
                count += 1
                return nil
            }
            if s & ~Self.offsetMask == tag, case let old = Int(s & Self.offsetMask), self.key(at: old) == key {
                slots[i] = entry
                return old
            }
            i = (i + 1) & mask
        }
    }

    /// Starts loading the slot where a lookup of `key` begins, so that the lookup, made a
    /// little later, finds it in the cache (a hint: changes nothing).
    @inline(__always)
    func prefetch(_ key: Digest) {
        arrakis_prefetch(slots.pointer + slot(key))
    }

    /// The offset of `key`'s payload, if indexed.
    subscript(key: Digest) -> Int? {
        let tag = Self.tag(key)
        var i = slot(key)
        let s = slots.pointer
        while true {
            let x = s[i]
            if x == 0 { return nil }
            if x & ~Self.offsetMask == tag, case let at = Int(x & Self.offsetMask), self.key(at: at) == key {
                return at
            }
            i = (i + 1) & mask
        }
    }

    /// Every (key, payload offset), in no particular order.
    func forEach(_ body: (Digest, Int) -> Void) {
        for x in UnsafeBufferPointer(start: slots.pointer, count: slots.count) where x != 0 {
            let at = Int(x & Self.offsetMask)
            body(key(at: at), at)
        }
    }
}
