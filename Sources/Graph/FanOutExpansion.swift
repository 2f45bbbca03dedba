/// Turns families into instances as soon as they can be (ninja's dyndep loading, where a
/// file one edge writes adds edges to the graph during the build; here a family's
/// instances may come from the manifest another family writes).
///
/// A family can be expanded once the families its inputs refer to are expanded and, for a
/// fan-out (`FamilySource.expansionFamilies`), once every needed instance of the families it
/// fans out over is resolved: built, up to date, or (in a dry run) out of date with a
/// manifest already there, which makes the expansion provisional. It expands from the
/// expansion cache where it can, adds the instances to the graph, and has the targets
/// (`TargetSelection`) mark the needed ones in the plan. What it could not expand it records:
/// pending families in a dry run, and problems (kind `.expansionFailed`) in the plan.
struct FanOutExpansion {
    let graph: BuildGraph
    /// Every family, by name.
    let sources: [String: FamilySource]
    /// Family names, each after the families it reads or fans out over (ties by name).
    let order: [String]
    /// Instances of listing-only families from earlier builds (nil: always expand).
    let cache: ExpansionCache?
    let traces: TraceStore
    let dryRun: Bool

    /// Families that will not be expanded in this build: their expansion failed, or what
    /// they fan out over did.
    private(set) var failed: Set<String> = []
    /// Families outside the targets' closure that could not be expanded (left out).
    private(set) var outsideUnexpanded: Set<String> = []
    /// Dry run: families whose fan-out waits for a product that is itself out of date.
    private(set) var pending: [BuildEngine.PendingFamily] = []
    /// Dry run: families expanded from a manifest that will be rebuilt first.
    private(set) var provisional: [String] = []

    /// - Throws: `ExpansionError` naming a dependency cycle among the families.
    init(graph: BuildGraph, families: [FamilySource], sources: [String: FamilySource],
         cache: ExpansionCache?, traces: TraceStore, dryRun: Bool) throws {
        self.graph = graph
        self.sources = sources
        self.order = try Self.topologicalOrder(families)
        self.cache = cache
        self.traces = traces
        self.dryRun = dryRun
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

    /// Expands every family whose prerequisites are met, marking the instances `selection`
    /// needs in `plan`. Returns whether anything changed.
    ///
    /// Families outside the targets are expanded too, where they can be without building
    /// anything, so that what they write is checked against what the targets write
    /// (`BuildGraph.add` refuses two owners of one output); their instances stay unneeded,
    /// and a failure to expand one only leaves it out.
    ///
    /// - Throws: `OutputConflict` (two families write one path), `UnknownTarget` (from
    ///   `selection`).
    mutating func expandAvailable(plan: inout BuildPlan, selection: inout TargetSelection,
                                  times: inout PhaseTimes) throws -> Bool {
        var progressed = false
        for f in order where !graph.isExpanded(f) && !failed.contains(f) && !outsideUnexpanded.contains(f) {
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
            var isProvisional = false
            var blockedBy: [String] = []
            for e in src.expansionFamilies {
                if failed.contains(e) { blockedBy.append(e); continue }
                guard graph.isExpanded(e), plan.familyPending(e) == 0 else { blockedBy.append(e); continue }
                if dryRun, plan.familyWouldRun(e) {
                    isProvisional = true
                }
            }
            if !blockedBy.isEmpty {
                if blockedBy.contains(where: { failed.contains($0) || plan.isFamilyFailed($0) }) {
                    failed.insert(f)
                    plan.noteUnexpanded("product '\(f)' not expanded: \(blockedBy.joined(separator: ", ")) failed")
                    progressed = true
                }
                continue
            }
            let specs: [TaskSpec]
            do {
                specs = try times.measure("expand \(f)") { try expand(src) }
            } catch {
                failed.insert(f)
                let upstreamFailed = src.expansionFamilies.filter { plan.isFamilyFailed($0) }
                if isProvisional {
                    pending.append(BuildEngine.PendingFamily(family: f, waitsFor: src.expansionFamilies,
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
            if isProvisional { provisional.append(f) }
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

    /// Whether every family the targets need is expanded or cannot be yet (so an output
    /// target no family claimed will not be claimed).
    func isSettled(within closure: Set<String>, plan: BuildPlan) -> Bool {
        order.allSatisfy { graph.isExpanded($0) || !closure.contains($0) || isBlocked($0, plan: plan) }
    }

    private func isBlocked(_ f: String, plan: BuildPlan) -> Bool {
        guard let src = sources[f] else { return true }
        return src.expansionFamilies.contains { failed.contains($0) || (plan.familyPending($0) ?? 1) > 0 }
            || src.inputFamilies.contains { !graph.isExpanded($0) }
    }

    /// A family's instances: from the expansion cache when its entry is still valid,
    /// otherwise expanded, reusing the parts of the entry whose directories did not change
    /// (and stored when only listings decided them).
    private func expand(_ src: FamilySource) throws -> [TaskSpec] {
        guard let cache, let definition = src.expansionDefinition else { return try src.expand(in: graph) }
        if let cached = cache.specs(family: src.name, definition: definition) { return cached }
        let stamp = cache.stamp()
        let made = try src.expandListing(in: graph, reuse: cache.storedParts(family: src.name, definition: definition))
        if let directories = made.directories {
            cache.store(family: src.name, definition: definition, directories: directories, specs: made.specs,
                        parts: made.parts, reused: made.reused, stamp: stamp)
        }
        return made.specs
    }
}
