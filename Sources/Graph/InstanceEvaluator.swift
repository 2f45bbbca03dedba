/// Decides whether one instance is up to date, given the digests of its upstream outputs.
/// Stateless apart from the stores; safe to call from many threads at once.
struct InstanceEvaluator: Sendable {
    let graph: BuildGraph
    let digests: DigestCache
    let traces: TraceStore
    /// A param's value as people read it (see `BuildEngine.Options.valueText`).
    var valueText: @Sendable (String) -> String = { $0 }
    /// The graph's tables, read in place inside `withFrozenTables`.
    private var view: View?

    init(graph: BuildGraph, digests: DigestCache, traces: TraceStore, valueText: @escaping @Sendable (String) -> String = { $0 }) {
        self.graph = graph
        self.digests = digests
        self.traces = traces
        self.valueText = valueText
    }

    /// The tables the evaluator reads, in place (see `withFrozenTables`).
    private struct View: @unchecked Sendable {
        let tasks: TaskTable.UnsafeSegments
        let keyDigests: UnsafeBufferPointer<Digest>
    }

    /// Runs `body` with this evaluator reading the graph's instances and key digests in
    /// place: for a batch during which the graph does not change. Read through the graph (a
    /// class whose tables may grow), each read is an exclusivity check and a retain of a
    /// table's buffer, which every evaluating thread shares: at a million instances those
    /// contended reference counts cost more than the reads themselves.
    func withFrozenTables<R>(_ body: (InstanceEvaluator) throws -> R) rethrows -> R {
        try graph.tasks.withUnsafeSegments { tasks in
            try graph.keyDigests.withUnsafeBufferPointer { keys in
                var e = self
                e.view = View(tasks: tasks, keyDigests: keys)
                return try body(e)
            }
        }
    }

    @inline(__always)
    private func withTask<R>(_ id: InstanceID, _ body: (UnsafePointer<TaskSpec>) throws -> R) rethrows -> R {
        if let view { return try body(view.tasks.task(id)) }
        return try graph.withTask(id, body)
    }

    @inline(__always)
    private func keyDigest(_ id: InstanceID) -> Digest { view?.keyDigests[id] ?? graph.keyDigests[id] }

    @inline(__always)
    private func keyText(_ id: InstanceID) -> String { graph.keyText[id] }

    enum Verdict: Sendable {
        case clean(outputDigest: Digest)
        case dirty(DirtyReason, Parts)
        case error(String)
    }

    /// The fingerprint's parts, kept for the trace and for explanations.
    struct Parts: Sendable {
        var fingerprint: Digest
        var rule: Digest
        var ruleDescription: String
        var params: [NamedDigest]
        var inputs: [NamedDigest]
        /// The value of each of `params`, for the trace (see `Trace.paramValues`).
        var paramValues: [String] = []
    }

    /// `upstream(id)` gives the combined output digest of a resolved upstream instance.
    /// With `collect` false only the fingerprint and rule digest are filled in (the no-op
    /// path: no arrays or names are built for products that turn out clean).
    func fingerprint(_ id: InstanceID, upstream: (InstanceID) -> Digest?, collect: Bool = true,
                     handles: DirectoryHandles? = nil) throws -> Parts {
        try withTask(id) { t in try fingerprint(t, upstream: upstream, collect: collect, handles: handles) }
    }

    private func fingerprint(_ t: UnsafePointer<TaskSpec>, upstream: (InstanceID) -> Digest?, collect: Bool,
                             handles: DirectoryHandles?) throws -> Parts {
        var fp = FingerprintBuilder()
        var ruleFP = FingerprintBuilder(domain: "arrakis-rule-v1")
        // Most instances leave the rare fields at their defaults: read none of them then (each
        // read retains the one box of defaults that every thread shares).
        let defaults = t.hasDefaultRareFields
        let ruleVersion = defaults ? TaskSpec.defaultRuleVersion : t.pointee.ruleVersion
        ruleFP.add(1, t.pointee.ruleKind)
        ruleFP.add(2, ruleVersion)
        if case .shell(let command) = t.pointee.command {
            ruleFP.add(3, "shell:", command)  // the same bytes as `canonical`, without copying
        } else {
            ruleFP.add(3, t.pointee.command.canonical)
        }
        let rule = ruleFP.finish()
        fp.add(1, rule)
        let sortedParams = defaults ? [] : t.pointee.params.count > 1 ? t.pointee.params.sorted { $0.0 < $1.0 } : t.pointee.params
        var params: [NamedDigest] = []
        var paramValues: [String] = []
        if collect { params.reserveCapacity(sortedParams.count); paramValues.reserveCapacity(sortedParams.count) }
        for (name, value) in sortedParams {
            let d = Digest(value)
            fp.add(4, name)
            fp.add(5, d)
            if collect { params.append(NamedDigest(name, d)); paramValues.append(ParamValue.kept(value)) }
        }
        var inputs: [NamedDigest] = []
        if collect { inputs.reserveCapacity(t.pointee.fileInputs.count + t.pointee.productInputs.count) }
        for path in t.pointee.fileInputs {
            guard let d = try (handles.map { try digests.digest(of: path, handles: $0) } ?? digests.digest(of: path)) else {
                throw FileError(path: path, reason: "input file does not exist (needed by \(t.pointee.key))")
            }
            fp.add(6, path)
            fp.add(7, d)
            if collect { inputs.append(NamedDigest(path, d)) }
        }
        let noOrderOnly = defaults || t.pointee.orderOnly.isEmpty
        for up in t.pointee.productInputs where noOrderOnly || !t.pointee.orderOnly.contains(up) {
            let d = upstream(up) ?? .zero
            fp.add(8, keyDigest(up))
            fp.add(9, d)
            if collect { inputs.append(NamedDigest(keyText(up), d)) }
        }
        for o in t.pointee.outputs { fp.add(10, o) }
        return Parts(fingerprint: fp.finish(), rule: rule,
                     ruleDescription: collect ? t.pointee.ruleKind + " v" + ruleVersion : "", params: params, inputs: inputs,
                     paramValues: paramValues)
    }

    /// A hint that `id` will be evaluated soon: starts loading the index slots its trace and
    /// its input files' digests will be looked up at, so that a thread evaluating instances
    /// in order overlaps those cache misses with the work on the instances before.
    @inline(__always)
    func prefetch(_ id: InstanceID) {
        traces.prefetch(key: keyDigest(id))
        withTask(id) { t in
            for path in t.pointee.fileInputs { digests.prefetch(path: path) }
        }
    }

    /// `handles`: directories to stat through (one set per thread), if any.
    func evaluate(_ id: InstanceID, upstream: (InstanceID) -> Digest?, handles: DirectoryHandles? = nil) -> Verdict {
        let quick: Parts
        do { quick = try fingerprint(id, upstream: upstream, collect: false, handles: handles) } catch { return .error("\(error)") }
        // The full parts (names and digests of params and inputs) only for dirty products;
        // each dirty path below asks once.
        var parts: Parts { (try? fingerprint(id, upstream: upstream)) ?? quick }
        let key = keyDigest(id)
        guard let summary = traces.summary(forKey: key) else {
            let family = withTask(id) { $0.pointee.key.family }
            return .dirty(traces.count(ofFamily: family) > 0 ? .newKey : .noTrace, parts)
        }
        if summary.fingerprint != quick.fingerprint {
            let p = parts
            return .dirty(explainDifference(id, p), p)
        }
        let outputs = withTask(id) { $0.pointee.outputs }
        guard summary.outputs.count == outputs.count else {
            return .dirty(.outputsChanged, parts)
        }
        var touched = false
        for (i, path) in outputs.enumerated() {
            guard let sig = handles?.signature(of: path) ?? FileSignature.of(path) else {
                return .dirty(.outputMissing(path), parts)
            }
            if sig != summary.outputs[i].signature {
                guard let (d, _) = try? FileHasher.hash(path), d == summary.outputs[i].digest else {
                    return .dirty(.outputModified(path), parts)
                }
                touched = true
            }
        }
        if summary.hasDiscovered, let trace = traces.trace(forKey: key) {
            // A file listed but absent at the last run has digest zero: its appearance counts.
            for d in trace.discovered {
                let now = (try? (handles.map { try digests.digest(of: d.name, handles: $0) } ?? digests.digest(of: d.name))) ?? nil
                if now == nil, d.digest != .zero { return .dirty(.discoveredInputMissing(d.name), parts) }
                if let now, now != d.digest { return .dirty(.discoveredInputChanged(d.name), parts) }
            }
        }
        if touched, var trace = traces.trace(forKey: key) {
            // Same content under a new signature (touched, copied back): remember the new one.
            for (i, path) in outputs.enumerated() {
                if let sig = FileSignature.of(path) { trace.outputs[i].signature = sig }
            }
            traces.record(trace)
        }
        return .clean(outputDigest: Self.combine(summary.outputs.map(\.digest)))
    }

    /// Names the first part of the fingerprint that differs from the recorded trace.
    func explainDifference(_ id: InstanceID, _ parts: Parts) -> DirtyReason {
        guard let old = traces.trace(forKey: keyDigest(id)) else { return .noTrace }
        if old.rule != parts.rule, old.ruleDescription != parts.ruleDescription {
            return .ruleChanged("\(old.ruleDescription) -> \(parts.ruleDescription)")
        }
        // A parameter change usually changes the command too: name the parameter.
        let oldParams = Dictionary(old.params.map { ($0.name, $0.digest) }, uniquingKeysWith: { a, _ in a })
        let oldValues = old.paramValues.count == old.params.count
            ? Dictionary(zip(old.params.map(\.name), old.paramValues), uniquingKeysWith: { a, _ in a }) : [:]
        for (i, p) in parts.params.enumerated() where oldParams[p.name] != p.digest {
            let now = i < parts.paramValues.count ? valueText(parts.paramValues[i]) : nil
            return .parameterChanged(p.name, from: oldParams[p.name] == nil ? "(none)" : oldValues[p.name].map(valueText),
                                     to: now)
        }
        let newNames = Set(parts.params.map(\.name))
        for p in old.params where !newNames.contains(p.name) {
            return .parameterChanged(p.name, from: oldValues[p.name].map(valueText), to: "(none)")
        }
        if old.rule != parts.rule { return .commandChanged }
        let oldInputs = Dictionary(old.inputs.map { ($0.name, $0.digest) }, uniquingKeysWith: { a, _ in a })
        for i in parts.inputs {
            guard let d = oldInputs[i.name] else { return .inputAdded(i.name) }
            if d != i.digest { return .inputChanged(i.name) }
        }
        let newInputs = Set(parts.inputs.map(\.name))
        for i in old.inputs where !newInputs.contains(i.name) { return .inputRemoved(i.name) }
        return .outputsChanged
    }

    static func combine(_ digests: [Digest]) -> Digest {
        if digests.count == 1 { return digests[0] }
        var b = FingerprintBuilder(domain: "arrakis-outputs-v1")
        for d in digests { b.add(0, d) }
        return b.finish()
    }
}
