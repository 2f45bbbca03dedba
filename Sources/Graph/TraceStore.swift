import Synchronization

/// Traces of every product built in this work directory, in an append-only `RecordLog`.
///
/// Loading indexes records by key digest without decoding them; a lookup decodes lazily.
/// Records written during a build are appended as each product finishes, so a killed build
/// keeps everything it completed.
public final class TraceStore: Sendable {
    private let log: RecordLog
    /// key digest -> index into log.records, as read at open; never changed.
    private let onDisk: DigestIndex
    /// Traces per family digest, as read at open.
    private let familyCounts: [Digest: Int]
    /// Whether anything was recorded or removed since open; until then lookups skip the lock.
    private let changed = Atomic<Bool>(false)
    private let state: Mutex<State>

    struct State: Sendable {
        /// traces recorded since open (win over onDisk)
        var fresh: [Digest: Trace] = [:]
        var removed: Set<Digest> = []
    }

    public init(path: String) throws {
        let log = try RecordLog(path: path)
        self.log = log
        var onDisk = DigestIndex(capacity: log.records.count)
        var counts: [Digest: Int] = [:]
        let raw = log.contents
        var lastFamily = Digest.zero, lastCount = 0
        for (i, rec) in log.records.enumerated() where rec.length >= 32 {
            let key = Digest(high: raw.loadUnaligned(fromByteOffset: rec.offset, as: UInt64.self),
                             low: raw.loadUnaligned(fromByteOffset: rec.offset + 8, as: UInt64.self))
            let fam = Digest(high: raw.loadUnaligned(fromByteOffset: rec.offset + 16, as: UInt64.self),
                             low: raw.loadUnaligned(fromByteOffset: rec.offset + 24, as: UInt64.self))
            if onDisk.update(Int32(i), forKey: key) == nil, rec.length > 32 {
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
        state = Mutex(State())
    }

    private func lookup(_ key: Digest) -> (Trace?, Int?) {
        guard changed.load(ordering: .acquiring) else { return (nil, onDisk[key].map(Int.init)) }
        return state.withLock { s -> (Trace?, Int?) in
            if s.removed.contains(key) { return (nil, nil) }
            return (s.fresh[key], onDisk[key].map(Int.init))
        }
    }

    /// The full trace of `key`, if it was ever built.
    public func trace(forKey key: Digest) -> Trace? {
        let (fresh, index) = lookup(key)
        if let fresh { return fresh }
        guard let index else { return nil }
        let rec = log.records[index]
        return try? Trace.decode(UnsafeRawBufferPointer(rebasing: log.contents[rec.offset..<rec.offset + rec.length]))
    }

    /// Fingerprint and output signatures of `key`, decoded without strings (the no-op path).
    public func summary(forKey key: Digest) -> TraceSummary? {
        let (fresh, index) = lookup(key)
        if let fresh {
            return TraceSummary(fingerprint: fresh.fingerprint,
                                outputs: fresh.outputs.map { ($0.signature, $0.digest) },
                                hasDiscovered: !fresh.discovered.isEmpty)
        }
        guard let index else { return nil }
        let rec = log.records[index]
        return try? TraceSummary.decode(UnsafeRawBufferPointer(rebasing: log.contents[rec.offset..<rec.offset + rec.length]))
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
        let raw = log.contents
        disk.forEach { k, i in
            guard fresh[k] == nil && !removed.contains(k) else { return }
            let rec = log.records[Int(i)]
            if rec.length > 32,
               let t = try? Trace.decode(UnsafeRawBufferPointer(rebasing: raw[rec.offset..<rec.offset + rec.length])) {
                out.append(t)
            }
        }
        return out
    }

    public func flush() throws { try log.flush() }
    public func sync() throws { try log.sync() }

    /// Rewrites the log with only live traces when superseded records dominate it.
    public func compactIfWorthIt() throws {
        let (diskRecords, live) = state.withLock { _ in (log.records.count, 0) }
        _ = live
        let appended = log.appendedBytes
        guard diskRecords > 10_000 || appended > 0 else { return }
        let traces = allTraces()
        let totalRecords = diskRecords + state.withLock { $0.fresh.count }
        guard totalRecords > 2 * traces.count + 1000 else { return }
        try log.rewrite(traces.map { $0.encode() })
    }
}
