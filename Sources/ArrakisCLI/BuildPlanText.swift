import Graph

/// What `arrakis build --dry-run` prints: the products that would run and why, new work
/// grouped by loop values, fan-outs that wait, and notes on what the build re-checks.
struct BuildPlanText {
    let engine: BuildEngine

    var text: String {
        var out = ""
        let planned = engine.plannedJobs()
        let needed = engine.counts.needed
        if planned.isEmpty {
            out += "arrakis: nothing to do (\(needed) product\(needed == 1 ? "" : "s") up to date)\n"
        } else {
            out += "would build \(planned.count) of \(needed) product\(needed == 1 ? "" : "s"):\n"
            let width = min(48, planned.map(\.key.count).max() ?? 0)
            for p in planned {
                out += "  " + p.key.padding(toLength: max(width, p.key.count), withPad: " ", startingAt: 0) + "  " + p.reason.description + "\n"
            }
        }
        let groups = engine.newWorkGroups()
        if !groups.isEmpty && groups.count < planned.count {
            out += "new work:\n"
            for g in groups.prefix(50) { out += "  " + g.description + "\n" }
            if groups.count > 50 { out += "  ... and \(groups.count - 50) more groups\n" }
        }
        for p in engine.pendingFamilies {
            out += "  \(p.family): fan-out waits for \(p.waitsFor.joined(separator: ", ")) (last known: \(p.lastKnownCount) instances)\n"
        }
        if engine.recheckedAfterUpstream > 0 {
            let n = engine.recheckedAfterUpstream
            out += "  note: \(n) product\(n == 1 ? "" : "s") up to date now wait\(n == 1 ? "s" : "") on an 'after' upstream that would run; the build checks \(n == 1 ? "it" : "them") again after it\n"
        }
        for f in engine.provisionalFamilies {
            out += "  note: \(f) was expanded from the last manifest; it is re-expanded after its provider is rebuilt\n"
        }
        return out
    }
}
