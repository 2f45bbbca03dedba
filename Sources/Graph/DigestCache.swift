import Synchronization

/// Persistent map from a file's stat signature to its content digest, so a no-op build reads
/// no file contents: `(dev, inode, size, mtime_ns, ctime_ns) -> XXH3-128`.
///
/// Entries whose file changed in the same filesystem-clock tick as it was hashed are kept
/// "untrusted" and hashed again on next use (see `FilesystemClock`).
public final class DigestCache: Sendable {
    struct Entry: Sendable {
        var signature: FileSignature
        var digest: Digest
        var trusted: Bool
    }

    private let log: RecordLog
    private let clock: any StampClock
    /// Path digest -> record number of its latest entry, as read at open; never changed, so
    /// lookups need no lock. The entry is decoded from the record when asked for.
    private let loaded: RecordIndex
    private let state: Mutex<State>

    struct State: Sendable {
        /// Entries recorded since open (they win over `loaded`).
        var entries: [Digest: Entry] = [:]
        /// Keys in `entries` that were not in `loaded`.
        var newKeys = 0
    }

    public init(path: String, clock: any StampClock) throws {
        let log = try RecordLog(path: path, format: .digests)
        self.log = log
        self.clock = clock
        var index = RecordIndex(log: log, capacity: log.recordCount)
        log.forEachRecord { at, length in
            if length == Self.recordSize { index.update(at, forKey: index.key(at: at)) }
        }
        loaded = index
        state = Mutex(State())
    }

    /// A one-line message when the log was migrated or started afresh at open.
    public var notice: String? { log.notice }

    /// Bytes in the file and live bytes in it (the latest entry of each path).
    public var sizes: (file: Int, live: Int) {
        state.withLock { s in (log.fileBytes, RecordLog.headerSize + (loaded.count + s.newKeys) * Self.fileBytesPerEntry) }
    }

    static let fileBytesPerEntry = recordSize + RecordLog.recordOverhead

    /// key, signature (40 bytes), digest, trusted flag.
    static let recordSize = 16 + 40 + 16 + 1

    /// A hint that `path`'s digest will be asked for soon (see `RecordIndex.prefetch`).
    @inline(__always)
    func prefetch(path: String) { loaded.prefetch(Digest(path)) }

    private func loadedEntry(_ key: Digest) -> Entry? {
        guard let at = loaded[key] else { return nil }
        // Only records of exactly `recordSize` bytes were indexed: read the fields in place
        // (the no-op path asks this once per input file).
        let raw = log.contents
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at + o, as: UInt64.self)) }
        let sig = FileSignature(device: u64(16), inode: u64(24), size: Int64(bitPattern: u64(32)),
                                mtimeNs: Int64(bitPattern: u64(40)), ctimeNs: Int64(bitPattern: u64(48)))
        return Entry(signature: sig, digest: Digest(high: u64(56), low: u64(64)), trusted: raw[at + 72] == 1)
    }

    /// Lets the kernel drop the pages of the log read so far (see `RecordLog.releaseResidentPages`).
    public func releaseResidentPages() { log.releaseResidentPages() }

    public var count: Int {
        state.withLock { loaded.count + $0.newKeys }
    }

    /// The content digest of `path`, or nil if it is not a regular file. Reads the file only
    /// when its signature is new, changed, or was racy.
    public func digest(of path: String) throws -> Digest? {
        guard let sig = FileSignature.of(path) else { return nil }
        return try digest(of: path, signature: sig)
    }

    /// As `digest(of:)`, statting through `handles`.
    func digest(of path: String, handles: DirectoryHandles) throws -> Digest? {
        guard let sig = handles.signature(of: path) else { return nil }
        return try digest(of: path, signature: sig)
    }

    /// As `digest(of:)` with a signature the caller already has from `stat`.
    public func digest(of path: String, signature sig: FileSignature) throws -> Digest {
        let key = Digest(path)
        // A trusted entry whose signature still matches is right whatever was recorded
        // since: check the entries read at open first, without the lock.
        if let e = loadedEntry(key), e.trusted, e.signature == sig { return e.digest }
        if let e = state.withLock({ $0.entries[key] }), e.trusted, e.signature == sig {
            return e.digest
        }
        let stamp = clock.now()
        let (d, readSig) = try FileHasher.hash(path)
        record(key: key, signature: readSig, digest: d, trusted: readSig.lastChangeNs < stamp)
        return d
    }

    /// Records a digest computed elsewhere (e.g. an output just committed by rename).
    public func record(path: String, signature: FileSignature, digest: Digest, trusted: Bool) {
        record(key: Digest(path), signature: signature, digest: digest, trusted: trusted)
    }

    private func record(key: Digest, signature: FileSignature, digest: Digest, trusted: Bool) {
        var w = ByteWriter(capacity: 80)
        w.digest(key)
        signature.encode(into: &w)
        w.digest(digest)
        w.u8(trusted ? 1 : 0)
        let previous = loadedEntry(key)
        state.withLock { s in
            if let old = s.entries[key] ?? previous, old.signature == signature, old.digest == digest,
               old.trusted == trusted { return }
            if s.entries.updateValue(Entry(signature: signature, digest: digest, trusted: trusted), forKey: key) == nil,
               previous == nil, loaded[key] == nil {
                s.newKeys += 1
            }
            log.append(w.bytes)
        }
    }

    /// Writes new entries. With `sync` (the end of a build), fsyncs them, or rewrites the
    /// file when superseded entries dominate it (`CompactionPolicy`).
    public func save(sync: Bool = false) throws {
        try state.withLock { s in
            let live = RecordLog.headerSize + (loaded.count + s.newKeys) * Self.fileBytesPerEntry
            guard sync else { return try log.flush() }
            guard CompactionPolicy.isWorthIt(fileBytes: log.fileBytes, liveBytes: live) else { return try log.sync() }
            var all: [Digest: Entry] = [:]
            all.reserveCapacity(loaded.count + s.newKeys)
            loaded.forEach { k, _ in if let e = loadedEntry(k) { all[k] = e } }
            for (k, e) in s.entries { all[k] = e }
            var payloads: [[UInt8]] = []
            payloads.reserveCapacity(all.count)
            for (k, e) in all {
                var w = ByteWriter(capacity: 80)
                w.digest(k)
                e.signature.encode(into: &w)
                w.digest(e.digest)
                w.u8(e.trusted ? 1 : 0)
                payloads.append(w.bytes)
            }
            try log.rewrite(payloads)
        }
    }
}
