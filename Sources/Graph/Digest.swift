import CXXHash

/// A 128-bit XXH3 digest: of file contents, of a fingerprint's canonical bytes, of a key.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static let zero = Digest(high: 0, low: 0)

    /// Digest of a byte buffer.
    public init(bytes: UnsafeRawBufferPointer) {
        let h = XXH3_128bits(bytes.baseAddress, bytes.count)
        self.init(high: h.high64, low: h.low64)
    }

    public init(_ bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { Digest(bytes: $0) }
    }

    public init(_ string: String) {
        var s = string
        self = s.withUTF8 { Digest(bytes: UnsafeRawBufferPointer($0)) }
    }

    public static func < (a: Digest, b: Digest) -> Bool {
        (a.high, a.low) < (b.high, b.low)
    }

    /// 32 lowercase hex digits, as `xxhsum -H2` prints (high word first).
    public var description: String {
        String(unsafeUninitializedCapacity: 32) { buf in
            let digits: StaticString = "0123456789abcdef"
            let d = digits.utf8Start
            for i in 0..<16 {
                buf[i] = d[Int((high >> UInt64(60 - 4 * i)) & 0xF)]
                buf[16 + i] = d[Int((low >> UInt64(60 - 4 * i)) & 0xF)]
            }
            return 32
        }
    }

    public init?(hex text: Substring) {
        guard text.count == 32, let h = UInt64(text.prefix(16), radix: 16),
              let l = UInt64(text.suffix(16), radix: 16) else { return nil }
        self.init(high: h, low: l)
    }
}
