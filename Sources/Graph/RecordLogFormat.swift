/// What a `RecordLog` holds and the version of its layout, written as the file's first 12
/// bytes: an 8-byte magic naming the kind of log, then the version (u32, little-endian).
///
/// Bump `version` whenever a record's layout changes. A log of a newer version is refused
/// (`RecordLogError.newerFormat`); one of an older version is started afresh, and a
/// headerless log from before headers existed (version 0, same record layout as version 1)
/// gets its header in place, keeping its records.
public struct RecordLogFormat: Sendable, Equatable {
    /// The kind of log, for messages ("trace log").
    public let kind: String
    /// Exactly 8 bytes; every arrakis log's magic starts with "ARK".
    public let magic: [UInt8]
    public let version: UInt32

    public init(kind: String, magic: String, version: UInt32) {
        precondition(magic.utf8.count == 8 && magic.hasPrefix(Self.family))
        self.kind = kind
        self.magic = Array(magic.utf8)
        self.version = version
    }

    /// The first bytes of every arrakis record log's magic.
    static let family = "ARK"
    static let headerSize = 12

    /// `.arrakis/traces.log`: one `Trace` per record (or a tombstone).
    public static let traces = RecordLogFormat(kind: "trace log", magic: "ARKTRACE", version: 1)
    /// `.arrakis/digests.log`: one digest-cache entry per record.
    public static let digests = RecordLogFormat(kind: "digest cache", magic: "ARKDIGST", version: 1)

    /// The header of this format, or of `version` of it.
    func header(version: UInt32? = nil) -> [UInt8] {
        var w = ByteWriter(capacity: Self.headerSize)
        w.raw(magic)
        w.u32(version ?? self.version)
        return w.bytes
    }
}

/// A record log this arrakis cannot read.
public enum RecordLogError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Written by a newer arrakis.
    case newerFormat(path: String, kind: String, found: UInt32, supported: UInt32)
    /// Another kind of log, or a file that is no arrakis log at all.
    case foreignFormat(path: String, kind: String)

    public var description: String {
        switch self {
        case let .newerFormat(path, kind, found, supported):
            return "\(path): this \(kind) is format version \(found), written by a newer arrakis; this arrakis reads"
                + " version \(supported). Use the newer arrakis here, or delete \(path) to start it afresh"
                + " (its contents are then recomputed: products rebuild or files are hashed again once)."
        case let .foreignFormat(path, kind):
            return "\(path): not an arrakis \(kind) (its header names another kind of file). Move it away or delete it"
                + " to start the \(kind) afresh."
        }
    }
}
