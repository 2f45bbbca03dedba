import Dispatch

/// Drives one build (or dry run) over the product graph: expands families as soon as they
/// can be, decides which instances are out of date (in parallel), hands those to an executor,
/// records traces as results arrive, and re-evaluates dependents against the *new* output
/// digests, so a rebuilt product whose outputs did not change stops there (early cutoff).
///
/// It is the facade over the parts of a build, split as ninja splits its own (this is
/// ninja's `Builder`): `TargetSelection` resolves the targets, `FanOutExpansion` turns
/// families into instances as they become expandable, `InstanceEvaluator` judges one
/// instance, `BuildPlan` keeps every instance's state and the queues, and this class drives
/// them, evaluates in parallel, and takes the executor's results.
///
/// Not thread-safe: an executor calls it from one thread at a time (the local executor's
/// workers take turns under its lock; the SLURM executor from its controller loop);
/// evaluation fans out internally.
public final class BuildEngine {
    public struct Options: Sendable {
        public var dryRun = false
        public var keepGoing = false
        /// A param's value (as a `TaskSpec` holds it) as people read it, for reasons and
        /// explanations: the rule layer knows its encoding, the engine does not.
        public var valueText: @Sendable (String) -> String = { $0 }
        public init(dryRun: Bool = false, keepGoing: Bool = false, valueText: @escaping @Sendable (String) -> String = { $0 }) {
            self.dryRun = dryRun
            self.keepGoing = keepGoing
            self.valueText = valueText
        }
    }

    /// A product handed to an executor.
    public struct Job: Sendable {
        public var id: InstanceID
        public var key: String
        public var reason: DirtyReason
        public var spec: TaskSpec
        /// What the product is built from (rule, parameters, input digests); recorded in its trace.
        public var fingerprint: Digest = .zero
    }

    /// A family that could not be expanded in a dry run: its fan-out waits for a product
    /// that is itself out of date.
    public struct PendingFamily: Sendable {
        public var family: String
        public var waitsFor: [String]
        public var lastKnownCount: Int
    }

    public let graph = BuildGraph()
    public let digests: DigestCache
    public let traces: TraceStore
    /// Instances of listing-only families from earlier builds (nil: always expand).
    public let expansions: ExpansionCache?
    public let options: Options
    private var selection: TargetSelection
    private var expansion: FanOutExpansion
    private var plan: BuildPlan
    private let evaluator: InstanceEvaluator
    /// What each queued or running instance is built from, for its trace.
    private var parts: [InstanceID: InstanceEvaluator.Parts] = [:]

    public var state: [InstanceState] { plan.state }
    public var running: Int { plan.running }
    public var stopped: Bool { plan.stopped }
    /// Dry run: families whose fan-out waits for a product that is itself out of date.
    public var pendingFamilies: [PendingFamily] { expansion.pending }
    /// Families expanded in a dry run from a manifest that will be rebuilt first.
    public var provisionalFamilies: [String] { expansion.provisional }
    /// Every failure so far, in the order they happened.
    public var problems: [Problem] { plan.problems }
    /// `problems` as text (`KEY: MESSAGE`).
    public var errors: [String] { problems.map(\.description) }

    public var counts: Counts { plan.counts }
    /// Dry run: products judged up to date now that an `after` upstream which would run
    /// may still change (the build judges them again after it).
    public var recheckedAfterUpstream: Int { plan.recheckedAfterUpstream }
    public struct Counts: Sendable, Equatable {
        public var needed = 0
        public var upToDate = 0
        public var built = 0
        public var unchangedAfterBuild = 0
        public var wouldRun = 0
        public var failed = 0
        public var skipped = 0
        public var toRun = 0
    }

    /// - Parameters:
    ///   - families: every family of the project (order irrelevant).
    ///   - targets: what to build; empty means every family.
    public init(families: [FamilySource], targets: [BuildTarget], digests: DigestCache,
                traces: TraceStore, expansions: ExpansionCache? = nil, options: Options = Options()) throws {
        self.digests = digests
        self.expansions = expansions
        self.traces = traces
        self.options = options
        var byName: [String: FamilySource] = [:]
        for f in families { byName[f.name] = f }
        expansion = try FanOutExpansion(graph: graph, families: families, sources: byName, cache: expansions,
                                        traces: traces, dryRun: options.dryRun)
        evaluator = InstanceEvaluator(graph: graph, digests: digests, traces: traces, valueText: options.valueText)
        selection = try TargetSelection(targets: targets, families: byName)
        plan = BuildPlan(graph: graph, dryRun: options.dryRun, keepGoing: options.keepGoing)
    }

    // MARK: - Driving

    /// Expands and evaluates everything that can be decided now. Call once before taking jobs.
    /// Time spent expanding and evaluating, for `--timings`.
    public internal(set) var times = PhaseTimes()

    public func start() throws {
        try pump()
    }

    public var isFinished: Bool { plan.isFinished }

    /// Up to `limit` out-of-date products to run now (marked running).
    public func takeJobs(limit: Int = .max) -> [Job] {
        var jobs: [Job] = []
        while jobs.count < limit, let (id, reason) = plan.takeReady() {
            jobs.append(Job(id: id, key: graph.keyText[id], reason: reason, spec: graph.tasks[id],
                            fingerprint: parts[id]?.fingerprint ?? .zero))
        }
        return jobs
    }

    /// Out-of-date products not yet handed out.
    public var queuedCount: Int { plan.queuedCount }

    /// Records a successful run: outputs already committed at their final paths.
    public func finished(_ id: InstanceID, outputs: [Trace.Output]) throws {
        guard plan.isRunning(id), parts[id] != nil else { return }
        let t = graph.tasks[id]
        let discovered: [NamedDigest]
        do { discovered = try t.depfile.map(discoveredInputs) ?? [] } catch {
            return try failed(id, message: "\(error)", kind: .evaluationFailed)
        }
        guard let p = parts.removeValue(forKey: id) else { return }
        let old = traces.summary(forKey: graph.keyDigests[id])
        traces.record(Trace(key: graph.keyText[id], family: t.key.family, fingerprint: p.fingerprint,
                            rule: p.rule, ruleDescription: p.ruleDescription, outputs: outputs,
                            params: p.params, inputs: p.inputs, paramValues: p.paramValues,
                            discovered: discovered))
        let changed = old.map { $0.outputs.map(\.digest) != outputs.map(\.digest) } ?? true
        plan.built(id, changed: changed, digest: InstanceEvaluator.combine(outputs.map(\.digest)))
        try pump()
    }

    /// Records a failed run; dependents are skipped. Without keep-going, no new jobs start.
    public func failed(_ id: InstanceID, message: String, kind: Problem.Kind = .taskFailed) throws {
        guard plan.isRunning(id) else { return }
        parts[id] = nil
        plan.runFailed(id, message, kind)
        try pump()
    }

    /// Stops handing out jobs (Ctrl-C); running ones may still report.
    public func stop() { plan.stop() }

    /// Writes what was recorded. With `sync` (the end of a build) makes it durable, and
    /// compacts the trace store and digest cache when superseded records dominate them.
    public func flushStores(sync: Bool = false) throws {
        if sync {
            try traces.sync()
            if !options.dryRun { try traces.compactIfWorthIt() }
        } else {
            try traces.flush()
        }
        try digests.save(sync: sync)
    }

    /// Every needed instance that would run (dry run) or ran, with its reason, in graph order.
    /// The planned products that are new (never built, or a new key of a built family),
    /// grouped by their loop variables' values: adding an epoch shows as one group for the
    /// epoch and one per field it observed, each with the families it brings.
    public func newWorkGroups() -> [NewWorkGroup] {
        var groups: [[NewWorkGroup.Binding]: [String]] = [:]
        var order: [[NewWorkGroup.Binding]] = []
        for (i, s) in state.enumerated() {
            switch s {
            case .wouldRun, .ready, .running: break
            default: continue
            }
            // New = never built, whatever the reason printed (often "upstream ... will be rebuilt").
            guard traces.summary(forKey: graph.keyDigests[i]) == nil else { continue }
            let key = graph.tasks[i].key
            let vars = graph.familyVariables[key.family] ?? []
            let bindings = zip(vars, key.values).map { NewWorkGroup.Binding(variable: $0, value: $1) }
            if groups[bindings] == nil { order.append(bindings) }
            groups[bindings, default: []].append(key.family)
        }
        return order.map { b in
            let families = groups[b]!
            var distinct: [String] = []
            for f in families where !distinct.contains(f) { distinct.append(f) }
            return NewWorkGroup(bindings: b, count: families.count, families: distinct)
        }
    }

    public func plannedJobs() -> [(key: String, reason: DirtyReason)] {
        var out: [(String, DirtyReason)] = []
        for (i, s) in state.enumerated() {
            switch s {
            case .wouldRun(let r), .ready(let r), .running(let r): out.append((graph.keyText[i], r))
            default: break
            }
        }
        return out
    }

    // MARK: - Internals

    /// Judges what can be judged and expands what can be expanded, until neither moves.
    private func pump() throws {
        while true {
            if plan.hasInstancesToJudge {
                let batch = plan.takeInstancesToJudge()
                times.measure("evaluate") { evaluate(batch) }
                continue
            }
            if try expansion.expandAvailable(plan: &plan, selection: &selection, times: &times) { continue }
            break
        }
        if selection.awaitsOutputs && expansion.isSettled(within: selection.closure, plan: plan) {
            try selection.failUnclaimedOutputs()
        }
    }

    /// Judges `batch` (instances whose upstream products are all resolved) and moves each
    /// in the plan: up to date, queued to run, would run (dry run) or failed. More than a
    /// few are judged in parallel, in chunks of neighbouring instances.
    private func evaluate(_ batch: [InstanceID]) {
        var direct: [InstanceID] = []
        direct.reserveCapacity(batch.count)
        for id in batch {
            guard case .waiting = plan.state[id] else { continue }
            if options.dryRun, let up = graph.tasks[id].productInputs.first(where: {
                if case .wouldRun = plan.state[$0] { return !graph.tasks[id].orderOnly.contains($0) } else { return false } }) {
                plan.wouldRun(id, .upstreamWillRebuild(graph.keyText[up]))
                continue
            }
            direct.append(id)
        }
        // In slices: a verdict is a hundred bytes or more, and a million of them at once
        // would be a peak of their own.
        var start = 0
        while start < direct.count {
            let end = min(start + Self.evaluationSlice, direct.count)
            apply(verdicts(direct[start..<end]), to: direct[start..<end])
            evaluatedSinceRelease += end - start
            if evaluatedSinceRelease >= Self.evaluationSlice {
                // What the slice read of the stores is not needed again (see `releaseResidentPages`).
                evaluatedSinceRelease = 0
                traces.releaseResidentPages()
                digests.releaseResidentPages()
            }
            start = end
        }
    }

    /// Instances evaluated since the stores' pages were last released.
    private var evaluatedSinceRelease = 0

    /// How many instances ahead a thread prefetches the index slots of those it will
    /// evaluate (`InstanceEvaluator.prefetch`): a few system calls' time ahead.
    static let prefetchDistance = 4

    /// Instances evaluated at once (see `evaluate`).
    static let evaluationSlice = 1 << 16

    /// The verdicts of `ids` (none of them resolved yet), computed in parallel for many.
    private func verdicts(_ ids: ArraySlice<InstanceID>) -> [InstanceEvaluator.Verdict?] {
        var verdicts = [InstanceEvaluator.Verdict?](repeating: nil, count: ids.count)
        // Read in place: nothing resolves, and nothing is added to the graph, while the
        // verdicts are computed.
        evaluator.withFrozenTables { ev in
            plan.outputDigest.withUnsafeBufferPointer { digests in
                let upstream = UncheckedBox(digests)
                if ids.count < 32 {
                    for (i, id) in ids.enumerated() { verdicts[i] = ev.evaluate(id, upstream: { upstream.value[$0] }) }
                    return
                }
                // Chunks of neighbouring instances: their files mostly share directories.
                let ids = Array(ids)
                let chunks = min(ids.count / 16, 4 * ProcessorCount.value)
                verdicts.withUnsafeMutableBufferPointer { out in
                    let outPtr = UncheckedBox(out)
                    let ev = UncheckedBox(ev)
                    DispatchQueue.concurrentPerform(iterations: chunks) { c in
                        let lo = ids.count * c / chunks, hi = ids.count * (c + 1) / chunks
                        let handles = DirectoryHandles()
                        for i in lo..<hi {
                            if i + Self.prefetchDistance < hi { ev.value.prefetch(ids[i + Self.prefetchDistance]) }
                            outPtr.value[i] = ev.value.evaluate(ids[i], upstream: { upstream.value[$0] }, handles: handles)
                        }
                    }
                }
            }
        }
        return verdicts
    }

    private func apply(_ verdicts: [InstanceEvaluator.Verdict?], to direct: ArraySlice<InstanceID>) {
        for (i, id) in zip(verdicts.indices, direct) {
            // Dry run: an `after` upstream that would run may still write this product's
            // file inputs. Missing ones mean it runs; present ones are judged as they are now
            // (the build judges again once that upstream ran).
            if options.dryRun, let up = graph.tasks[id].orderOnly.first(where: {
                if case .wouldRun = plan.state[$0] { return true } else { return false } }) {
                switch verdicts[i]! {
                case .error:
                    plan.wouldRun(id, .upstreamWillRebuild(graph.keyText[up]))
                    continue
                case .clean:
                    plan.noteRecheckedAfterUpstream()
                case .dirty:
                    break
                }
            }
            switch verdicts[i]! {
            case .clean(let d):
                plan.upToDate(id, d)
            case .dirty(let reason, let p):
                if options.dryRun {
                    plan.wouldRun(id, reason)
                } else {
                    parts[id] = p
                    plan.queue(id, reason)
                }
            case .error(let msg):
                plan.fail(id, msg, .evaluationFailed)
                if !options.dryRun { plan.stopUnlessKeepingGoing() }
            }
        }
    }
}
