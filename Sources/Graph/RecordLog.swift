import CXXHash
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of self-checking records after a format header (`RecordLogFormat`):
/// `[magic: 8][version: u32]` then records `[u32 length][u64 XXH3-64 of payload][payload]`.
///
/// It survives `kill -9` and power loss at any moment: on open, records are read up to the
/// first torn or corrupt one and the file is truncated there, so later appends start from a
/// clean end. A record is written with a single `write(2)`, and `sync()` makes the appended
/// records durable. `rewrite` (compaction) replaces the file atomically (`DurableFile`).
public final class RecordLog: @unchecked Sendable {
    public let path: String
    public let format: RecordLogFormat
    private var fd: Int32
    /// The bytes of every valid record read at open (payloads are slices of it): the file
    /// mapped read-only (pages come straight from the page cache: no copy, no zero-fill).
    /// Later appends and rewrites do not change it (a rewrite renames a new file over the
    /// old one, whose inode the mapping keeps alive).
    public let contents: UnsafeRawBufferPointer
    /// How many valid records were read at open.
    public let recordCount: Int
    /// Where the first record starts in `contents` (after the header, if it has one).
    private let firstRecord: Int
    /// The file as opened (`contents` is its valid prefix).
    private let mapping: MappedFile
    private var pending: [UInt8] = []
    public private(set) var appendedBytes: Int = 0
    /// Bytes in the file (header and records), queued records included.
    public var fileBytes: Int { fileBase + appendedBytes + pending.count }
    private var fileBase: Int
    /// A one-line message for the user when the file was migrated or started afresh at open.
    public private(set) var notice: String?

    /// Bytes before each record's payload.
    public static let recordOverhead = 12
    static let headerSize = 12

    public init(path: String, format: RecordLogFormat) throws {
        self.path = path
        self.format = format
        // A compaction killed before its rename: the old file is whole, the copy is not.
        unlink(DurableFile.temporary(for: path))
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.errno(path, "cannot open record log") }
        self.fd = fd
        var st = stat()
        fstat(fd, &st)
        let size = Int(st.st_size)
        let mapping = MappedFile(fd: fd, size: size)
        self.mapping = mapping
        var mapped = mapping.bytes
        let header = LogHeader(mapped, format: format)
        var first = 0
        switch header {
        case .current:
            first = Self.headerSize
        case .newer(let found):
            close(fd)
            throw RecordLogError.newerFormat(path: path, kind: format.kind, found: found, supported: format.version)
        case .foreign:
            close(fd)
            throw RecordLogError.foreignFormat(path: path, kind: format.kind)
        case .empty, .older, .legacy:
            first = 0
        }
        var recs = 0
        var pos = first
        if header == .current || header == .legacy {
            let raw = mapped
            while pos + Self.recordOverhead <= raw.count {
                let len = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt32.self)))
                let sum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pos + 4, as: UInt64.self))
                let start = pos + Self.recordOverhead
                guard start + len <= raw.count,
                      XXH3_64bits(raw.baseAddress! + start, len) == sum else { break }
                recs += 1
                pos = start + len
                // Checked pages need not stay resident (the stores index them next, then
                // read only what a build asks for).
                if recs & 0xffff == 0 { mapping.release(upTo: pos) }
            }
        }
        recordCount = recs
        firstRecord = first
        fileBase = pos
        switch header {
        case .current:
            if pos < mapped.count {
                // A torn tail from a crash: drop it so the next append is well-formed. The
                // mapping keeps only the valid prefix (pages past the new end are never read).
                _ = ftruncate(fd, off_t(pos))
                mapped = UnsafeRawBufferPointer(rebasing: mapped[0..<pos])
            }
            lseek(fd, off_t(pos), SEEK_SET)
        case .empty:
            // New (or a header torn by a crash at creation): write the header.
            _ = ftruncate(fd, 0)
            guard DurableFile.writeAll(fd, format.header(), at: 0) else { throw FileError.errno(path, "cannot write the header of") }
            lseek(fd, off_t(Self.headerSize), SEEK_SET)
            fileBase = Self.headerSize
            mapped = UnsafeRawBufferPointer(start: nil, count: 0)
        case .older(let found):
            // No migration from an older headed version yet: start afresh, saying so.
            _ = ftruncate(fd, 0)
            guard DurableFile.writeAll(fd, format.header(), at: 0) else { throw FileError.errno(path, "cannot write the header of") }
            _ = fsync(fd)
            lseek(fd, off_t(Self.headerSize), SEEK_SET)
            fileBase = Self.headerSize
            mapped = UnsafeRawBufferPointer(start: nil, count: 0)
            notice = "\(path): \(format.kind) format version \(found) is older than this arrakis's \(format.version); started it afresh"
        case .legacy:
            // Written before logs had headers (records laid out as in version 1): add the
            // header in front of the valid records, atomically.
            let body = Array(UnsafeRawBufferPointer(rebasing: mapped[0..<pos]))
            try DurableFile.replace(path, with: format.header() + body)
            close(fd)
            let reopened = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
            guard reopened >= 0 else { throw FileError.errno(path, "cannot reopen record log") }
            self.fd = reopened
            fileBase = Self.headerSize + pos
            mapped = UnsafeRawBufferPointer(rebasing: mapped[0..<pos])
            notice = "\(path): \(format.kind) had no format header (written by an older arrakis); added one (version \(format.version)), keeping its \(recs) records"
        case .newer, .foreign:
            break
        }
        contents = mapped
    }

    deinit { close(fd) }

    /// Calls `body` with the payload offset (in `contents`) and length of each valid record
    /// read at open, in file order. The offsets are what the stores index records by: no
    /// table of them is kept (for the 3 million records of a 10^6-product work directory
    /// that would be 48 MB, and a second random read per lookup). Pages read are released
    /// behind the walk (`releaseResidentPages`) every 65,536 records, and all of them at the
    /// end: a store indexes the log once at open, then reads only what a build asks for.
    public func forEachRecord(_ body: (_ offset: Int, _ length: Int) throws -> Void) rethrows {
        let raw = contents
        var pos = firstRecord
        var seen = 0
        while pos + Self.recordOverhead <= raw.count {
            let len = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt32.self)))
            let start = pos + Self.recordOverhead
            try body(start, len)
            pos = start + len
            seen += 1
            if seen & 0xffff == 0 { releaseResidentPages(upTo: pos) }
        }
        releaseResidentPages()
    }

    /// The length of the payload at `offset` (one `forEachRecord` gave).
    @inline(__always)
    public func payloadLength(at offset: Int) -> Int {
        Int(UInt32(littleEndian: contents.loadUnaligned(fromByteOffset: offset - Self.recordOverhead, as: UInt32.self)))
    }

    /// The payload at `offset` (one `forEachRecord` gave).
    public func payload(at offset: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: contents[offset..<offset + payloadLength(at: offset)])
    }

    /// Lets the kernel drop the resident pages of `contents` before `offset` (all of them
    /// if nil). Nothing changes for readers: a page touched again is read back from the page
    /// cache. For a log read once front to back (indexing at open) or in passes (a no-op
    /// build's lookups), so that a million products' records need not all stay resident.
    public func releaseResidentPages(upTo offset: Int? = nil) {
        guard let start = contents.baseAddress, let mapped = mapping.bytes.baseAddress else { return }
        mapping.release(upTo: (start - mapped) + (offset ?? contents.count))
    }

    /// Queues one record; `flush()` writes queued records with one system call.
    public func append(_ payload: [UInt8]) {
        Self.encode(payload, into: &pending)
    }

    static func encode(_ payload: [UInt8], into out: inout [UInt8]) {
        var w = ByteWriter(capacity: payload.count + Self.recordOverhead)
        w.u32(UInt32(payload.count))
        w.u64(payload.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) })
        w.raw(payload)
        out.append(contentsOf: w.bytes)
    }

    /// Writes queued records to the file (page cache: safe against a killed process).
    public func flush() throws {
        guard !pending.isEmpty else { return }
        guard DurableFile.writeAll(fd, pending) else { throw FileError.errno(path, "cannot append") }
        appendedBytes += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and fsyncs: safe against power loss.
    public func sync() throws {
        try flush()
        _ = fsync(fd)
    }

    /// Replaces the whole log with a header and `payloads`, atomically: a crash at any moment
    /// leaves the old file or the new one. Records queued and not flushed are dropped (the
    /// caller passes every live record).
    public func rewrite(_ payloads: [[UInt8]]) throws {
        pending.removeAll(keepingCapacity: true)
        var buf = format.header()
        buf.reserveCapacity(buf.count + payloads.reduce(0) { $0 + $1.count + Self.recordOverhead })
        for p in payloads { Self.encode(p, into: &buf) }
        try DurableFile.replace(path, with: buf)
        close(fd)
        fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.errno(path, "cannot reopen record log") }
        fileBase = buf.count
        appendedBytes = 0
    }
}

/// What the first bytes of a record log say.
private enum LogHeader: Equatable {
    case empty, current, older(UInt32), newer(UInt32), foreign, legacy

    init(_ raw: UnsafeRawBufferPointer, format: RecordLogFormat) {
        let magic = format.magic
        let family = Array(RecordLogFormat.family.utf8)
        if raw.count < RecordLogFormat.headerSize {
            // Empty, or a header torn at creation (a prefix of the magic). A legacy log this
            // short holds no whole record anyway.
            self = .empty
            return
        }
        if Array(raw[0..<8]) == magic {
            let v = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            self = v == format.version ? .current : v > format.version ? .newer(v) : .older(v)
        } else if Array(raw[0..<family.count]) == family {
            self = .foreign
        } else {
            // A record's length never starts with "ARK" (that would be ~1.2 GB), so this is
            // a headerless log from before headers existed.
            self = .legacy
        }
    }
}
