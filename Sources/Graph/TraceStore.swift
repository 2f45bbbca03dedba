import Synchronization

/// Traces of every product built in this work directory, in an append-only `RecordLog`
/// (format `RecordLogFormat.traces`), compacted by `compactIfWorthIt` at the end of a build.
///
/// Loading indexes records by key digest without decoding them; a lookup decodes lazily.
/// Records written during a build are appended as each product finishes, so a killed build
/// keeps everything it completed.
public final class TraceStore: Sendable {
    private let log: RecordLog
    /// key digest -> where its latest record's payload starts in the log, as read at open; never changed.
    private let onDisk: RecordIndex
    /// Traces per family digest, as read at open.
    private let familyCounts: [Digest: Int]
    /// Bytes of the latest non-tombstone record of each key in the file, as read at open.
    private let liveBytesAtOpen: Int
    /// Whether anything was recorded or removed since open; until then lookups skip the lock.
    private let changed = Atomic<Bool>(false)
    private let state: Mutex<State>

    struct State: Sendable {
        /// traces recorded since open (win over onDisk)
        var fresh: [Digest: Trace] = [:]
        var removed: Set<Digest> = []
        /// Bytes in the file of each key recorded since open (record overhead included).
        var freshBytes: [Digest: Int] = [:]
        /// Live bytes in the file now: `liveBytesAtOpen` plus or minus what was recorded since.
        var liveBytes = 0
    }

    public init(path: String) throws {
        let log = try RecordLog(path: path, format: .traces)
        self.log = log
        var onDisk = RecordIndex(log: log, capacity: log.recordCount)
        var counts: [Digest: Int] = [:]
        let raw = log.contents
        var lastFamily = Digest.zero, lastCount = 0
        var live = 0
        log.forEachRecord { at, length in
            guard length >= 32 else { return }
            let key = onDisk.key(at: at)
            let fam = Digest(high: raw.loadUnaligned(fromByteOffset: at + 16, as: UInt64.self),
                             low: raw.loadUnaligned(fromByteOffset: at + 24, as: UInt64.self))
            let previous = onDisk.update(at, forKey: key)
            if length > 32 { live += length + RecordLog.recordOverhead }
            if let previous, case let old = log.payloadLength(at: previous), old > 32 {
                live -= old + RecordLog.recordOverhead
            }
            if previous == nil, length > 32 {
                // Records of one family mostly come in runs: count a run, then add it.
                if fam != lastFamily {
                    if lastCount > 0 { counts[lastFamily, default: 0] += lastCount }
                    lastFamily = fam
                    lastCount = 0
                }
                lastCount += 1
            }
        }
        if lastCount > 0 { counts[lastFamily, default: 0] += lastCount }
        self.onDisk = onDisk
        familyCounts = counts
        liveBytesAtOpen = live
        state = Mutex(State(liveBytes: live))
    }

    /// A one-line message when the log was migrated or started afresh at open.
    public var notice: String? { log.notice }

    /// Bytes of `key`'s live record in the file, if it has one (caller holds the lock).
    private func liveBytes(of key: Digest, _ s: State) -> Int {
        if let n = s.freshBytes[key] { return n }
        guard !s.removed.contains(key), let at = onDisk[key] else { return 0 }
        let length = log.payloadLength(at: at)
        return length > 32 ? length + RecordLog.recordOverhead : 0
    }

    private func lookup(_ key: Digest) -> (Trace?, Int?) {
        guard changed.load(ordering: .acquiring) else { return (nil, onDisk[key]) }
        return state.withLock { s -> (Trace?, Int?) in
            if s.removed.contains(key) { return (nil, nil) }
            return (s.fresh[key], onDisk[key])
        }
    }

    /// A hint that `key` will be looked up soon (see `RecordIndex.prefetch`).
    @inline(__always)
    func prefetch(key: Digest) { onDisk.prefetch(key) }

    /// The full trace of `key`, if it was ever built.
    public func trace(forKey key: Digest) -> Trace? {
        let (fresh, at) = lookup(key)
        if let fresh { return fresh }
        guard let at else { return nil }
        return try? Trace.decode(log.payload(at: at))
    }

    /// Fingerprint and output signatures of `key`, decoded without strings (the no-op path).
    public func summary(forKey key: Digest) -> TraceSummary? {
        let (fresh, at) = lookup(key)
        if let fresh {
            return TraceSummary(fingerprint: fresh.fingerprint,
                                outputs: fresh.outputs.map { ($0.signature, $0.digest) },
                                hasDiscovered: !fresh.discovered.isEmpty)
        }
        guard let at else { return nil }
        return try? TraceSummary.decode(log.payload(at: at))
    }

    /// How many products of `family` had traces when the store was opened (the "last known
    /// count" of a fan-out; zero means the family was never built here).
    public func count(ofFamily family: String) -> Int {
        familyCounts[Digest(family)] ?? 0
    }

    /// Records a trace; it reaches the file at the next `flush()`.
    public func record(_ trace: Trace) {
        let key = Digest(trace.key)
        let bytes = trace.encode()
        state.withLock { s in
            // familyCounts stay as read at open: a product built earlier in this same build
            // does not make its siblings "new keys" of an already-built family.
            s.liveBytes += bytes.count + RecordLog.recordOverhead - liveBytes(of: key, s)
            s.freshBytes[key] = bytes.count + RecordLog.recordOverhead
            s.removed.remove(key)
            s.fresh[key] = trace
            log.append(bytes)
            changed.store(true, ordering: .releasing)
        }
    }

    /// Forgets a product (e.g. `arrakis clean`): a tombstone record of the bare key digest.
    public func remove(key: String) {
        let k = Digest(key)
        state.withLock { s in
            s.liveBytes -= liveBytes(of: k, s)
            s.freshBytes[k] = nil
            s.removed.insert(k)
            s.fresh[k] = nil
            changed.store(true, ordering: .releasing)
            var w = ByteWriter(capacity: 32)
            w.digest(k)
            w.digest(.zero)
            log.append(w.bytes)
        }
    }

    /// Every trace known (for `clean` and listings).
    public func allTraces() -> [Trace] {
        let disk = onDisk
        let (fresh, removed) = state.withLock { ($0.fresh, $0.removed) }
        var out: [Trace] = Array(fresh.values)
        disk.forEach { k, at in
            guard fresh[k] == nil && !removed.contains(k) else { return }
            if log.payloadLength(at: at) > 32, let t = try? Trace.decode(log.payload(at: at)) {
                out.append(t)
            }
        }
        return out
    }

    /// Lets the kernel drop the pages of the log read so far (see `RecordLog.releaseResidentPages`).
    public func releaseResidentPages() { log.releaseResidentPages() }

    public func flush() throws { try log.flush() }
    public func sync() throws { try log.sync() }

    /// Bytes in the file and live bytes in it (the latest record of each product).
    public var sizes: (file: Int, live: Int) {
        state.withLock { s in (log.fileBytes, s.liveBytes + RecordLog.headerSize) }
    }

    /// Rewrites the log with only live traces when superseded records dominate it
    /// (`CompactionPolicy`); returns whether it did. Crash-safe (`RecordLog.rewrite`).
    /// Lookups keep working: they read the mapping made at open, which the rewrite leaves alive.
    @discardableResult
    public func compactIfWorthIt() throws -> Bool {
        try state.withLock { s -> Bool in
            guard CompactionPolicy.isWorthIt(fileBytes: log.fileBytes, liveBytes: s.liveBytes + RecordLog.headerSize) else {
                return false
            }
            var payloads: [[UInt8]] = []
            payloads.reserveCapacity(onDisk.count + s.fresh.count)
            var kept: [Int] = []
            onDisk.forEach { k, at in
                guard s.fresh[k] == nil && !s.removed.contains(k), log.payloadLength(at: at) > 32 else { return }
                kept.append(at)
            }
            // In file order, so a family's records stay together (open counts them in runs).
            for at in kept.sorted() { payloads.append(Array(log.payload(at: at))) }
            for (_, t) in s.fresh { payloads.append(t.encode()) }
            try log.rewrite(payloads)
            return true
        }
    }
}
