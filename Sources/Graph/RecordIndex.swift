/// A map from a record's key digest to its record number in a `RecordLog` whose payloads
/// start with that 16-byte key (traces, digest-cache entries), built at open and read from
/// many threads.
///
/// Unlike `DigestIndex` it does not copy the keys: a slot holds the record number and 32
/// bits of the key (8 bytes instead of 20), and the key itself is compared in the mapped
/// record only when those bits match, which is almost always the record the caller reads
/// next anyway. For the 3 million records of a 10^6-product work directory that is 72 MB
/// less to hold.
struct RecordIndex: @unchecked Sendable {
    private let log: RecordLog
    /// `tag << 32 | (record + 1)`; 0 marks an empty slot.
    private var slots: [UInt64]
    private let mask: Int
    private(set) var count = 0

    init(log: RecordLog, capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        self.log = log
        slots = Array(repeating: 0, count: size)
        mask = size - 1
    }

    @inline(__always)
    private func slot(_ d: Digest) -> Int { Int(truncatingIfNeeded: d.low ^ (d.high >> 7)) & mask }

    @inline(__always)
    private static func tag(_ d: Digest) -> UInt64 { d.high >> 32 }

    /// The key of record `r` (the first 16 bytes of its payload).
    @inline(__always)
    func key(ofRecord r: Int32) -> Digest {
        let at = log.records[Int(r)].offset
        let raw = log.contents
        return Digest(high: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)),
                      low: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self)))
    }

    /// Points `key` at `record` (whose payload starts with `key`); returns the record it
    /// pointed at before, if any.
    @discardableResult
    mutating func update(_ record: Int32, forKey key: Digest) -> Int32? {
        precondition(record >= 0 && count < mask)
        let tag = Self.tag(key)
        let entry = tag << 32 | UInt64(UInt32(record) + 1)
        var i = slot(key)
        while true {
            let s = slots[i]
            if s == 0 {
                slots[i] = entry
                count += 1
                return nil
            }
            if s >> 32 == tag, case let old = Int32(truncatingIfNeeded: s & 0xffff_ffff) - 1, self.key(ofRecord: old) == key {
                slots[i] = entry
                return old
            }
            i = (i + 1) & mask
        }
    }

    subscript(key: Digest) -> Int32? {
        let tag = Self.tag(key)
        var i = slot(key)
        return slots.withUnsafeBufferPointer { s in
            while true {
                let x = s[i]
                if x == 0 { return nil }
                if x >> 32 == tag, case let r = Int32(truncatingIfNeeded: x & 0xffff_ffff) - 1, self.key(ofRecord: r) == key {
                    return r
                }
                i = (i + 1) & mask
            }
        }
    }

    /// Every (key, record), in no particular order.
    func forEach(_ body: (Digest, Int32) -> Void) {
        for x in slots where x != 0 {
            let r = Int32(truncatingIfNeeded: x & 0xffff_ffff) - 1
            body(key(ofRecord: r), r)
        }
    }
}
