/// Where every instance of one build (or dry run) stands, and the moves between those
/// states (ninja's `Plan`): which instances are needed, how many of each one's upstream
/// products are still unresolved, which are ready to be judged and which to run, what
/// failed or was skipped, and whether the build goes on after a failure (keep-going) or
/// stops handing out work.
///
/// It decides nothing about files: the engine judges instances (`InstanceEvaluator`) and
/// reports the verdicts and the executor's results here. Arrays indexed by `InstanceID`
/// grow as families are expanded (`grow()`).
struct BuildPlan {
    let graph: BuildGraph
    let dryRun: Bool
    let keepGoing: Bool

    private(set) var state: [InstanceState] = []
    /// Per waiting instance: upstream products not resolved yet.
    private var unresolved: [Int] = []
    /// Per resolved instance: the combined digest of its outputs (zero for one that would run).
    private(set) var outputDigest: [Digest] = []
    /// Needed instances not yet resolved, per family (by `BuildGraph.familyIndex`).
    private var pendingByFamily: [Int] = []
    /// Needed instances whose upstream products are all resolved: to be judged next.
    private var evalQueue: [InstanceID] = []
    /// Out-of-date instances to run, in the order they were judged; `readyHead` is the next.
    private var ready: [InstanceID] = []
    private var readyHead = 0
    /// Instances handed out and not yet reported.
    private(set) var running = 0
    /// No more instances are handed out (a failure without keep-going, or Ctrl-C).
    private(set) var stopped = false
    /// Every failure so far, in the order they happened.
    private(set) var problems: [Problem] = []
    private(set) var counts = BuildEngine.Counts()
    /// Dry run: instances judged up to date although an `after` upstream would run.
    private(set) var recheckedAfterUpstream = 0

    init(graph: BuildGraph, dryRun: Bool, keepGoing: Bool) {
        self.graph = graph
        self.dryRun = dryRun
        self.keepGoing = keepGoing
    }

    // MARK: - Growing and marking

    /// Makes room for the instances and families the graph has now (new ones unneeded).
    mutating func grow() {
        let extra = graph.count - state.count
        if extra > 0 {
            if state.capacity < graph.count {
                // Room for the small families that usually follow a big fan-out (its
                // aggregates), so they do not copy a million entries of each array.
                let room = graph.count + graph.count / 8
                state.reserveCapacity(room)
                unresolved.reserveCapacity(room)
                outputDigest.reserveCapacity(room)
            }
            state.append(contentsOf: repeatElement(.unneeded, count: extra))
            unresolved.append(contentsOf: repeatElement(0, count: extra))
            outputDigest.append(contentsOf: repeatElement(.zero, count: extra))
        }
        while pendingByFamily.count < graph.familyOrder.count { pendingByFamily.append(0) }
    }

    /// Marks `root` and every unneeded product it reads, transitively, as needed. Those whose
    /// upstream products are all resolved are queued to be judged; those reading a failed
    /// or skipped product are skipped.
    mutating func markNeeded(_ root: InstanceID) {
        var stack = [root]
        while let id = stack.popLast() {
            guard case .unneeded = state[id] else { continue }
            state[id] = .waiting
            counts.needed += 1
            pendingByFamily[Int(graph.familyOf[id])] += 1
            let ups = graph.withTask(id) { $0.pointee.productInputs }  // in place: no copy of the instance
            var n = 0
            var upstreamFailed: String?
            for u in ups {
                if case .unneeded = state[u] { stack.append(u); n += 1; continue }
                if state[u].isResolved { continue }
                switch state[u] {
                case .failed, .skipped: upstreamFailed = graph.keyText[u]
                default: n += 1
                }
            }
            unresolved[id] = n
            if let up = upstreamFailed {
                skip(id, because: "upstream \(up) failed")
            } else if n == 0 {
                evalQueue.append(id)
            }
        }
    }

    // MARK: - Judging

    /// Whether some instance is waiting to be judged.
    var hasInstancesToJudge: Bool { !evalQueue.isEmpty }

    /// The instances to judge now (those whose upstream products all resolved), emptying the queue.
    mutating func takeInstancesToJudge() -> [InstanceID] {
        let batch = evalQueue
        evalQueue.removeAll(keepingCapacity: true)
        return batch
    }

    /// Judged up to date: its outputs' combined digest is `digest`.
    mutating func upToDate(_ id: InstanceID, _ digest: Digest) {
        counts.upToDate += 1
        resolve(id, .upToDate, digest)
    }

    /// Dry run: would be rebuilt, for `reason`.
    mutating func wouldRun(_ id: InstanceID, _ reason: DirtyReason) {
        counts.wouldRun += 1
        resolve(id, .wouldRun(reason), .zero)
    }

    /// Out of date: queued to be handed out.
    mutating func queue(_ id: InstanceID, _ reason: DirtyReason) {
        state[id] = .ready(reason)
        counts.toRun += 1
        ready.append(id)
    }

    /// Dry run: one more product judged up to date although an `after` upstream would run.
    mutating func noteRecheckedAfterUpstream() { recheckedAfterUpstream += 1 }

    // MARK: - Running

    /// Whether nothing is running and nothing more will be handed out.
    var isFinished: Bool { running == 0 && (readyHead >= ready.count || stopped) }

    /// Queued instances not yet handed out.
    var queuedCount: Int { max(0, ready.count - readyHead) }

    /// The next queued instance (now running) and why it runs; nil when none is left or the
    /// build stopped.
    mutating func takeReady() -> (id: InstanceID, reason: DirtyReason)? {
        while readyHead < ready.count, !stopped {
            let id = ready[readyHead]
            readyHead += 1
            guard case .ready(let reason) = state[id] else { continue }
            state[id] = .running(reason)
            running += 1
            return (id, reason)
        }
        return nil
    }

    /// Whether `id` was handed out and has not been reported.
    func isRunning(_ id: InstanceID) -> Bool {
        if case .running = state[id] { return true } else { return false }
    }

    /// A running instance ran: `changed` is whether its outputs differ from the last build's.
    mutating func built(_ id: InstanceID, changed: Bool, digest: Digest) {
        running -= 1
        counts.built += 1
        if !changed { counts.unchangedAfterBuild += 1 }
        resolve(id, .built(changed: changed), digest)
    }

    /// A running instance failed. Without keep-going, nothing more is handed out.
    mutating func runFailed(_ id: InstanceID, _ message: String, _ kind: Problem.Kind) {
        running -= 1
        fail(id, message, kind)
        stopUnlessKeepingGoing()
    }

    /// Stops handing out instances; running ones may still report.
    mutating func stop() { stopped = true }

    /// Stops after a failure, unless the build keeps going.
    mutating func stopUnlessKeepingGoing() {
        if !keepGoing { stopped = true }
    }

    // MARK: - Failing

    /// `id` failed (`kind`, `message`): recorded as a problem; its dependents are skipped.
    mutating func fail(_ id: InstanceID, _ message: String, _ kind: Problem.Kind) {
        state[id] = .failed(message)
        counts.failed += 1
        problems.append(Problem(key: graph.keyText[id], kind: kind, message: message))
        pendingByFamily[Int(graph.familyOf[id])] -= 1
        for d in graph.dependents[id] { skip(d, because: "upstream \(graph.keyText[id]) failed") }
    }

    /// A family's expansion failed on its own (a malformed manifest, ...): a failure that
    /// counts, and stops the build unless it keeps going.
    mutating func failExpansion(_ message: String) {
        problems.append(Problem(key: nil, kind: .expansionFailed, message: message))
        counts.failed += 1
        stopUnlessKeepingGoing()
    }

    /// A family was not expanded because what it fans out over failed: reported, not counted
    /// (that failure already was).
    mutating func noteUnexpanded(_ message: String) {
        problems.append(Problem(key: nil, kind: .expansionFailed, message: message))
    }

    // MARK: - Families

    /// Needed instances of `family` still unresolved; nil before it is expanded.
    func familyPending(_ family: String) -> Int? {
        graph.familyIndex[family].map { pendingByFamily[$0] }
    }

    /// Whether an instance of `family` failed or was skipped.
    func isFamilyFailed(_ family: String) -> Bool {
        graph.instances(of: family).contains { if case .failed = state[$0] { return true }; if case .skipped = state[$0] { return true }; return false }
    }

    /// Whether an instance of `family` would run (dry run).
    func familyWouldRun(_ family: String) -> Bool {
        graph.instances(of: family).contains(where: { if case .wouldRun = state[$0] { return true } else { return false } })
    }

    // MARK: - Internals

    private mutating func resolve(_ id: InstanceID, _ s: InstanceState, _ digest: Digest) {
        state[id] = s
        outputDigest[id] = digest
        pendingByFamily[Int(graph.familyOf[id])] -= 1
        for d in graph.dependents[id] {
            guard case .waiting = state[d] else { continue }
            unresolved[d] -= 1
            if unresolved[d] == 0 { evalQueue.append(d) }
        }
    }

    private mutating func skip(_ root: InstanceID, because why: String) {
        var stack = [root]
        while let id = stack.popLast() {
            switch state[id] {
            case .waiting, .ready:
                state[id] = .skipped(why)
                counts.skipped += 1
                pendingByFamily[Int(graph.familyOf[id])] -= 1
                stack.append(contentsOf: graph.dependents[id])
            default:
                continue
            }
        }
    }
}
