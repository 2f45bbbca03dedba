import CXXHash
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An append-only file of self-checking records: `[u32 length][u64 XXH3-64 of payload][payload]`.
///
/// It survives `kill -9` and power loss at any moment: on open, records are read up to the
/// first torn or corrupt one and the file is truncated there, so later appends start from a
/// clean end. A record is written with a single `write(2)`, and `sync()` makes the appended
/// records durable.
public final class RecordLog: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    /// The bytes of every valid record read at open (payloads are slices of it): the file
    /// mapped read-only (pages come straight from the page cache: no copy, no zero-fill).
    /// Later appends and rewrites do not change it (a rewrite renames a new file over the
    /// old one, whose inode the mapping keeps alive).
    public let contents: UnsafeRawBufferPointer
    /// (offset of payload, length) of each valid record, in file order.
    public private(set) var records: [(offset: Int, length: Int)]
    /// What to release at deinit: the mapping (or the buffer read instead).
    private let region: (base: UnsafeMutableRawPointer?, length: Int, mapped: Bool)
    private var pending: [UInt8] = []
    public private(set) var appendedBytes: Int = 0

    static let headerSize = 12

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileError.errno(path, "cannot open record log") }
        self.fd = fd
        var st = stat()
        fstat(fd, &st)
        let size = Int(st.st_size)
        var mapped = UnsafeRawBufferPointer(start: nil, count: 0)
        var region: (UnsafeMutableRawPointer?, Int, Bool) = (nil, 0, false)
        if size > 0, let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED {
            mapped = UnsafeRawBufferPointer(start: p, count: size)
            region = (p, size, true)
        } else if size > 0 {
            // No mapping (an odd filesystem): read the file into memory instead.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
            region = (buffer.baseAddress, size, false)
            var got = 0
            while got < size {
                let n = pread(fd, buffer.baseAddress! + got, size - got, off_t(got))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                got += n
            }
            mapped = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[0..<got])
        }
        var recs: [(Int, Int)] = []
        recs.reserveCapacity(mapped.count / 64)
        var pos = 0
        let raw = mapped
        while pos + Self.headerSize <= raw.count {
            let len = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: pos, as: UInt32.self)))
            let sum = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: pos + 4, as: UInt64.self))
            let start = pos + Self.headerSize
            guard start + len <= raw.count,
                  XXH3_64bits(raw.baseAddress! + start, len) == sum else { break }
            recs.append((start, len))
            pos = start + len
        }
        if pos < mapped.count {
            // A torn tail from a crash: drop it so the next append is well-formed. The
            // mapping keeps only the valid prefix (pages past the new end are never read).
            _ = ftruncate(fd, off_t(pos))
            mapped = UnsafeRawBufferPointer(rebasing: mapped[0..<pos])
        }
        contents = mapped
        self.region = region
        records = recs
        lseek(fd, off_t(pos), SEEK_SET)
    }

    deinit {
        close(fd)
        if region.mapped { munmap(region.base, region.length) } else { region.base?.deallocate() }
    }

    /// Queues one record; `flush()` writes queued records with one system call.
    public func append(_ payload: [UInt8]) {
        var w = ByteWriter(capacity: payload.count + Self.headerSize)
        w.u32(UInt32(payload.count))
        w.u64(payload.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) })
        w.raw(payload)
        pending.append(contentsOf: w.bytes)
    }

    /// Writes queued records to the file (page cache: safe against a killed process).
    public func flush() throws {
        guard !pending.isEmpty else { return }
        var done = 0
        while done < pending.count {
            let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.errno(path, "cannot append")
            }
            done += n
        }
        appendedBytes += pending.count
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes and fsyncs: safe against power loss.
    public func sync() throws {
        try flush()
        _ = fsync(fd)
    }

    /// Replaces the whole log with `payloads` atomically (temp file, fsync, rename).
    public func rewrite(_ payloads: [[UInt8]]) throws {
        try flush()
        let tmp = path + ".compact-\(getpid())"
        let out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw FileError.errno(tmp, "cannot create") }
        var buf: [UInt8] = []
        for p in payloads {
            var w = ByteWriter(capacity: p.count + Self.headerSize)
            w.u32(UInt32(p.count))
            w.u64(p.withUnsafeBytes { XXH3_64bits($0.baseAddress, $0.count) })
            w.raw(p)
            buf.append(contentsOf: w.bytes)
        }
        var done = 0
        while done < buf.count {
            let n = buf.withUnsafeBytes { write(out, $0.baseAddress! + done, $0.count - done) }
            if n < 0 {
                if errno == EINTR { continue }
                close(out)
                unlink(tmp)
                throw FileError.errno(tmp, "cannot write")
            }
            done += n
        }
        fsync(out)
        close(out)
        guard rename(tmp, path) == 0 else { throw FileError.errno(path, "cannot replace") }
        close(fd)
        fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC)
        appendedBytes = 0
    }
}
