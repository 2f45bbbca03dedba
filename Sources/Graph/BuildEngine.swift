import Dispatch

/// Drives one build (or dry run) over the product graph: expands families as soon as they
/// can be, decides which instances are out of date (in parallel), hands those to an executor,
/// records traces as results arrive, and re-evaluates dependents against the *new* output
/// digests, so a rebuilt product whose outputs did not change stops there (early cutoff).
///
/// It is the facade over the parts of a build, split as ninja splits its own (this is
/// ninja's `Builder`): `TargetSelection` resolves the targets, `InstanceEvaluator` judges
/// one instance, `BuildPlan` keeps every instance's state and the queues, and this class
/// expands families, drives the others, evaluates in parallel, and takes the executor's results.
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
    private let sources: [String: FamilySource]
    private let familyOrder: [String]
    private var selection: TargetSelection
    private var plan: BuildPlan
    private let evaluator: InstanceEvaluator
    /// What each queued or running instance is built from, for its trace.
    private var parts: [InstanceID: InstanceEvaluator.Parts] = [:]

    public var state: [InstanceState] { plan.state }
    public var running: Int { plan.running }
    public var stopped: Bool { plan.stopped }
    private var expansionFailed: Set<String> = []
    /// Families outside the targets' closure that could not be expanded (left out).
    private var outsideUnexpanded: Set<String> = []
    public private(set) var pendingFamilies: [PendingFamily] = []
    /// Families expanded in a dry run from a manifest that will be rebuilt first.
    public private(set) var provisionalFamilies: [String] = []
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
        sources = byName
        familyOrder = try Self.topologicalOrder(families)
        evaluator = InstanceEvaluator(graph: graph, digests: digests, traces: traces, valueText: options.valueText)
        selection = try TargetSelection(targets: targets, families: byName)
        plan = BuildPlan(graph: graph, dryRun: options.dryRun, keepGoing: options.keepGoing)
    }

    static func topologicalOrder(_ families: [FamilySource]) throws -> [String] {
        var byName: [String: FamilySource] = [:]
        for f in families { byName[f.name] = f }
        var order: [String] = []
        var mark: [String: Int] = [:]   // 1 visiting, 2 done
        func visit(_ name: String, _ path: [String]) throws {
            if mark[name] == 2 { return }
            if mark[name] == 1 {
                throw ExpansionError(family: name, message: "dependency cycle: " + (path + [name]).joined(separator: " -> "))
            }
            mark[name] = 1
            if let f = byName[name] {
                for d in f.inputFamilies + f.expansionFamilies { try visit(d, path + [name]) }
            }
            mark[name] = 2
            order.append(name)
        }
        for f in families.map(\.name).sorted() { try visit(f, []) }
        return order
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
            if try expandAvailable() { continue }
            break
        }
        if selection.awaitsOutputs && familyOrder.allSatisfy({ graph.isExpanded($0) || !selection.closure.contains($0) || expansionBlocked($0) }) {
            try selection.failUnclaimedOutputs()
        }
    }

    /// Expands every family whose prerequisites are met. Returns whether anything changed.
    ///
    /// Families outside the targets are expanded too, where they can be without building
    /// anything, so that what they write is checked against what the targets write
    /// (`BuildGraph.add` refuses two owners of one output); their instances stay unneeded,
    /// and a failure to expand one only leaves it out.
    private func expandAvailable() throws -> Bool {
        var progressed = false
        for f in familyOrder where !graph.isExpanded(f) && !expansionFailed.contains(f) && !outsideUnexpanded.contains(f) {
            guard let src = sources[f] else { continue }
            if src.inputFamilies.contains(where: { !graph.isExpanded($0) }) { continue }
            guard selection.closure.contains(f) else {
                if src.expansionFamilies.contains(where: { !graph.isExpanded($0) || (plan.familyPending($0) ?? 1) > 0 }) { continue }
                do {
                    let specs = try times.measure("expand \(f)") { try expand(src) }
                    _ = try graph.add(family: f, variables: src.variables, tasks: specs, linksInputs: src.linksFileInputs)
                    plan.grow()
                } catch let conflict as OutputConflict {
                    throw conflict
                } catch {
                    outsideUnexpanded.insert(f)
                }
                progressed = true
                continue
            }
            var provisional = false
            var blockedBy: [String] = []
            for e in src.expansionFamilies {
                if expansionFailed.contains(e) { blockedBy.append(e); continue }
                guard graph.isExpanded(e), plan.familyPending(e) == 0 else { blockedBy.append(e); continue }
                if options.dryRun, plan.familyWouldRun(e) {
                    provisional = true
                }
            }
            if !blockedBy.isEmpty {
                if blockedBy.contains(where: { expansionFailed.contains($0) || plan.isFamilyFailed($0) }) {
                    expansionFailed.insert(f)
                    plan.noteUnexpanded("product '\(f)' not expanded: \(blockedBy.joined(separator: ", ")) failed")
                    progressed = true
                }
                continue
            }
            let specs: [TaskSpec]
            do {
                specs = try times.measure("expand \(f)") { try expand(src) }
            } catch {
                expansionFailed.insert(f)
                let upstreamFailed = src.expansionFamilies.filter { plan.isFamilyFailed($0) }
                if provisional {
                    pendingFamilies.append(PendingFamily(family: f, waitsFor: src.expansionFamilies,
                                                     lastKnownCount: traces.count(ofFamily: f)))
                } else if !upstreamFailed.isEmpty {
                    // What it fans out over was not (all) made: that failure is the one to report.
                    plan.noteUnexpanded("product '\(f)' not expanded: \(upstreamFailed.joined(separator: ", ")) did not build")
                } else {
                    plan.failExpansion("\(error)")
                }
                progressed = true
                continue
            }
            if provisional { provisionalFamilies.append(f) }
            // An OutputConflict stops the build (and the dry run) before anything runs.
            let range = try times.measure("index \(f)") {
                try graph.add(family: f, variables: src.variables, tasks: specs, linksInputs: src.linksFileInputs)
            }
            plan.grow()
            try selection.select(newFamily: f, range: range, in: graph) { plan.markNeeded($0) }
            progressed = true
        }
        return progressed
    }

    private func expansionBlocked(_ f: String) -> Bool {
        guard let src = sources[f] else { return true }
        return src.expansionFamilies.contains { expansionFailed.contains($0) || (plan.familyPending($0) ?? 1) > 0 }
            || src.inputFamilies.contains { !graph.isExpanded($0) }
    }

    /// A family's instances: from the expansion cache when its entry is still valid,
    /// otherwise expanded (and stored when only listings decided them).
    private func expand(_ src: FamilySource) throws -> [TaskSpec] {
        guard let cache = expansions, let definition = src.expansionDefinition else { return try src.expand(in: graph) }
        if let cached = cache.specs(family: src.name, definition: definition) { return cached }
        let stamp = cache.stamp()
        let (specs, directories) = try src.expandListing(in: graph)
        if let directories {
            cache.store(family: src.name, definition: definition, directories: directories, specs: specs, stamp: stamp)
        }
        return specs
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
        guard !direct.isEmpty else { return }
        var verdicts = [InstanceEvaluator.Verdict?](repeating: nil, count: direct.count)
        let ev = evaluator
        let snapshot = plan.outputDigest
        if direct.count < 32 {
            for (i, id) in direct.enumerated() { verdicts[i] = ev.evaluate(id, upstream: { snapshot[$0] }) }
        } else {
            // Chunks of neighbouring instances: their files mostly share directories.
            let ids = direct
            let chunks = min(ids.count / 16, 4 * ProcessorCount.value)
            verdicts.withUnsafeMutableBufferPointer { out in
                let outPtr = UncheckedBox(out)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let lo = ids.count * c / chunks, hi = ids.count * (c + 1) / chunks
                    let handles = DirectoryHandles()
                    for i in lo..<hi { outPtr.value[i] = ev.evaluate(ids[i], upstream: { snapshot[$0] }, handles: handles) }
                }
            }
        }
        for (i, id) in direct.enumerated() {
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
