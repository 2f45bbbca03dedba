/// What the user's targets ask for, resolved against the families as they are expanded
/// (ninja's `CollectTargetsFromArgs`, except that here most instances do not exist yet when
/// the build starts).
///
/// Built once from the families and the targets: it checks the family names, and works out
/// the families the targets need (`closure`: their families and everything those read or fan
/// out over) and those needed whole. Each time a family is expanded the engine asks it which
/// of the new instances to mark needed; the instance, matching and output-path targets still
/// waiting for their family are kept here until then.
struct TargetSelection {
    /// The families the targets need: those named, and every family they read from or fan
    /// out over, transitively. Families outside it are expanded only where that costs no
    /// build, and their instances stay unneeded.
    let closure: Set<String>
    /// Families whose every instance is needed: the ones named as targets (every family when
    /// there are no targets) and every family something in the closure fans out over.
    let wholeFamilies: Set<String>
    /// `.instance` targets whose family is not expanded yet.
    private(set) var instanceTargets: [ProductKey]
    /// `.matching` targets whose family is not expanded yet.
    private(set) var matchingTargets: [(family: String, value: String)]
    /// `.output` targets no expanded family has claimed yet.
    private(set) var outputTargets: [String]

    /// - Parameters:
    ///   - targets: what to build; empty means every family.
    ///   - families: every family of the project, by name.
    /// - Throws: `UnknownTarget` for a family, instance or matching target naming a family
    ///   that does not exist.
    init(targets: [BuildTarget], families byName: [String: FamilySource]) throws {
        var roots: Set<String> = []
        var whole: Set<String> = []
        var keys: [ProductKey] = []
        var paths: [String] = []
        var matching: [(family: String, value: String)] = []
        for t in targets {
            switch t {
            case .family(let f):
                guard byName[f] != nil else {
                    throw UnknownTarget(target: f, hint: "products: " + byName.keys.sorted().joined(separator: ", "))
                }
                roots.insert(f); whole.insert(f)
            case .instance(let k):
                guard byName[k.family] != nil else {
                    throw UnknownTarget(target: k.description, hint: "no product '\(k.family)'")
                }
                roots.insert(k.family); keys.append(k)
            case .output(let p):
                paths.append(p)
            case .matching(let f, let v):
                guard byName[f] != nil else {
                    throw UnknownTarget(target: f + ":" + v, hint: "no product '\(f)'")
                }
                roots.insert(f); matching.append((f, v))
            }
        }
        // An output path could be any family's: every family is in the closure.
        if targets.isEmpty || !paths.isEmpty {
            roots.formUnion(byName.keys)
            if targets.isEmpty { whole.formUnion(byName.keys) }
        }
        var seen: Set<String> = []
        var stack = Array(roots)
        while let f = stack.popLast() {
            guard seen.insert(f).inserted, let src = byName[f] else { continue }
            stack.append(contentsOf: src.inputFamilies)
            stack.append(contentsOf: src.expansionFamilies)
            whole.formUnion(src.expansionFamilies)
        }
        closure = seen
        wholeFamilies = whole
        instanceTargets = keys
        matchingTargets = matching
        outputTargets = paths
    }

    /// Hands `mark` each instance of the just expanded `family` (at `range` in `graph`) that
    /// the targets need, in this order: the whole family when it is needed whole, then each
    /// instance target, each matching target's hits, each output target it writes. The
    /// targets it settles are dropped.
    ///
    /// It calls `mark` as it goes rather than returning a list, so that a whole family of a
    /// million instances costs no array, and so that what was marked before an unknown
    /// target is the same as it always was.
    ///
    /// - Throws: `UnknownTarget` for an instance target the family does not have (naming how
    ///   many it has, and up to five), or a matching target no instance has the value of.
    mutating func select(newFamily family: String, range: Range<InstanceID>, in graph: BuildGraph,
                         mark: (InstanceID) -> Void) throws {
        if wholeFamilies.contains(family) {
            for id in range { mark(id) }
        }
        var remaining: [ProductKey] = []
        for k in instanceTargets {
            if k.family == family {
                guard let id = graph.instance(forKey: k) else {
                    let sample = Self.sample(range, graph)
                    throw UnknownTarget(target: k.description,
                                        hint: "\(family) has \(range.count) instances\(sample.isEmpty ? "" : ": " + sample + (range.count > 5 ? ", ..." : ""))")
                }
                mark(id)
            } else {
                remaining.append(k)
            }
        }
        instanceTargets = remaining
        if matchingTargets.contains(where: { $0.family == family }) {
            for t in matchingTargets where t.family == family {
                let hits = range.filter { graph.tasks[$0].key.values.contains(t.value) }
                guard !hits.isEmpty else {
                    let sample = Self.sample(range, graph)
                    throw UnknownTarget(target: family + ":" + t.value,
                                        hint: "no instance of \(family) has the value '\(t.value)'\(sample.isEmpty ? "" : "; some are: " + sample + (range.count > 5 ? ", ..." : ""))")
                }
                for id in hits { mark(id) }
            }
            matchingTargets.removeAll { $0.family == family }
        }
        if !outputTargets.isEmpty {
            outputTargets = outputTargets.filter { p in
                guard let id = graph.instance(forOutput: p), range.contains(id) else { return true }
                mark(id)
                return false
            }
        }
    }

    /// Whether some output-path target is still unclaimed.
    var awaitsOutputs: Bool { !outputTargets.isEmpty }

    /// Once no family that could still declare them is left to expand: throws for the first
    /// output-path target no product declares, and forgets them all (so that starting the
    /// engine again does not throw again).
    mutating func failUnclaimedOutputs() throws {
        let missing = outputTargets
        outputTargets = []
        if let p = missing.first {
            throw UnknownTarget(target: p, hint: "no product declares this output")
        }
    }

    /// The keys of up to five of the family's instances, for hints.
    private static func sample(_ range: Range<InstanceID>, _ graph: BuildGraph) -> String {
        range.prefix(5).map { graph.keyText[$0] }.joined(separator: ", ")
    }
}
