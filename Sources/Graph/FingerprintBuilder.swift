import CXXHash

/// Accumulates the canonical bytes of a fingerprint (rule kind, version, parameters, input
/// digests) and hashes them with XXH3-128. Every field is length-prefixed and tagged so two
/// different field lists can never produce the same byte stream.
public struct FingerprintBuilder: Sendable {
    private var writer = ByteWriter(capacity: 256)

    public init(domain: String = "arrakis-fingerprint-v1") {
        writer.string(domain)
    }

    public mutating func add(_ tag: UInt8, _ value: String) {
        writer.u8(tag)
        writer.string(value)
    }

    /// Adds `prefix + value` as one field.
    public mutating func add(_ tag: UInt8, _ prefix: StaticString, _ value: String) {
        writer.u8(tag)
        writer.string(prefix, value)
    }

    public mutating func add(_ tag: UInt8, _ digest: Digest) {
        writer.u8(tag)
        writer.digest(digest)
    }

    public mutating func add(_ tag: UInt8, _ value: UInt64) {
        writer.u8(tag)
        writer.u64(value)
    }

    public func finish() -> Digest { Digest(writer.bytes) }
}
