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
    private let clock: FilesystemClock
    /// The entries read at open; never changed, so lookups need no lock.
    private let loaded: [Digest: Entry]
    private let state: Mutex<State>

    struct State: Sendable {
        var entries: [Digest: Entry] = [:]
        var appended = 0
        var fileRecords = 0
    }

    public init(path: String, clock: FilesystemClock) throws {
        let log = try RecordLog(path: path)
        self.log = log
        self.clock = clock
        var entries: [Digest: Entry] = [:]
        entries.reserveCapacity(log.records.count)
        log.contents.withUnsafeBytes { raw in
            for rec in log.records {
                var r = ByteReader(UnsafeRawBufferPointer(rebasing: raw[rec.offset..<rec.offset + rec.length]))
                guard let key = try? r.digest(), let sig = try? FileSignature.decode(&r),
                      let d = try? r.digest(), let t = try? r.u8() else { continue }
                entries[key] = Entry(signature: sig, digest: d, trusted: t == 1)
            }
        }
        loaded = entries
        state = Mutex(State(entries: entries, fileRecords: log.records.count))
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// The content digest of `path`, or nil if it is not a regular file. Reads the file only
    /// when its signature is new, changed, or was racy.
    public func digest(of path: String) throws -> Digest? {
        guard let sig = FileSignature.of(path) else { return nil }
        return try digest(of: path, signature: sig)
    }

    /// As `digest(of:)` with a signature the caller already has from `stat`.
    public func digest(of path: String, signature sig: FileSignature) throws -> Digest {
        let key = Digest(path)
        // A trusted entry whose signature still matches is right whatever was recorded
        // since: check the entries read at open first, without the lock.
        if let e = loaded[key], e.trusted, e.signature == sig { return e.digest }
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
        state.withLock { s in
            if let old = s.entries[key], old.signature == signature, old.digest == digest,
               old.trusted == trusted { return }
            s.entries[key] = Entry(signature: signature, digest: digest, trusted: trusted)
            s.appended += 1
            log.append(w.bytes)
        }
    }

    /// Writes new entries; rewrites the file when most of it is superseded records.
    public func save(sync: Bool = false) throws {
        try state.withLock { s in
            if s.fileRecords + s.appended > 2 * s.entries.count + 1000 {
                var payloads: [[UInt8]] = []
                payloads.reserveCapacity(s.entries.count)
                for (k, e) in s.entries {
                    var w = ByteWriter(capacity: 80)
                    w.digest(k)
                    e.signature.encode(into: &w)
                    w.digest(e.digest)
                    w.u8(e.trusted ? 1 : 0)
                    payloads.append(w.bytes)
                }
                try log.rewrite(payloads)
                s.appended = 0
                s.fileRecords = payloads.count
            } else if sync {
                try log.sync()
            } else {
                try log.flush()
            }
        }
    }
}
