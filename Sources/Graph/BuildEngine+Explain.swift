extension BuildEngine {
    /// A human explanation of one product: its state and reason, rule, and the parts of its
    /// fingerprint (params with their old and new values, inputs with their digests) that
    /// changed since its last build; `all` lists the unchanged ones too. Nil when `key` is
    /// not in the graph.
    public func explain(_ key: String, all: Bool = false) -> String? {
        guard let id = graph.keyText.firstIndex(of: key) else { return nil }
        let t = graph.tasks[id]
        let text = options.valueText
        var out = key + ": "
        switch state[id] {
        case .unneeded: out += "not needed by the targets"
        case .waiting: out += "waiting for upstream products"
        case .ready(let r), .running(let r), .wouldRun(let r): out += "out of date: \(r)"
        case .upToDate: out += "up to date"
        case .built(let changed): out += changed ? "rebuilt" : "rebuilt (outputs unchanged)"
        case .failed(let m): out += "failed: \(m)"
        case .skipped(let m): out += "skipped: \(m)"
        }
        out += "\n  rule: \(t.ruleKind) v\(t.ruleVersion)"
        switch t.command {
        case .shell(let c): out += "\n  command: \(c)"
        case .builtin(let k, _): out += "\n  built-in: \(k)"
        }
        let old = traces.trace(forKey: graph.keyDigests[id])
        let oldInputs = Dictionary((old?.inputs ?? []).map { ($0.name, $0.digest) }, uniquingKeysWith: { a, _ in a })
        if !t.params.isEmpty || !(old?.params.isEmpty ?? true) {
            let oldParams = Dictionary((old?.params ?? []).map { ($0.name, $0.digest) }, uniquingKeysWith: { a, _ in a })
            let oldValues = old.map { o in
                o.paramValues.count == o.params.count ? Dictionary(zip(o.params.map(\.name), o.paramValues), uniquingKeysWith: { a, _ in a }) : [:]
            } ?? [:]
            var lines: [String] = []
            var unchanged = 0
            for (n, v) in t.params.sorted(by: { $0.0 < $1.0 }) {
                let changed = old != nil && oldParams[n] != Digest(v)
                if changed {
                    let was = oldParams[n] == nil ? "(none)" : oldValues[n].map(text) ?? "(value not recorded)"
                    lines.append("    \(n): \(was) -> \(text(v))")
                } else {
                    unchanged += 1
                    if all { lines.append("    \(n) = \(text(v))") }
                }
            }
            for p in old?.params ?? [] where !t.params.contains(where: { $0.0 == p.name }) {
                lines.append("    \(p.name): \(oldValues[p.name].map(text) ?? "(value not recorded)") -> (none)")
            }
            if !all, unchanged > 0 { lines.append("    (\(unchanged) unchanged; --all lists them)") }
            out += "\n  parameters:\n" + lines.joined(separator: "\n")
        }
        if !t.fileInputs.isEmpty || !t.productInputs.isEmpty {
            var lines: [String] = []
            var unchanged = 0
            for p in t.fileInputs {
                let now = (try? digests.digest(of: p)) ?? nil
                let was = oldInputs[p]
                let note = now == nil ? "missing" : was == nil ? "new" : was == now ? "unchanged" : "changed"
                if note == "unchanged", !all { unchanged += 1; continue }
                lines.append("    \(p)  \(now.map { String($0.description.prefix(16)) } ?? "-")  (\(note))")
            }
            for u in t.productInputs {
                let after = t.orderOnly.contains(u) ? ", after: order only" : ""
                let word = Self.stateWord(state[u])
                if !all, word == "up to date", oldInputs[graph.keyText[u]] != nil || !after.isEmpty { unchanged += 1; continue }
                lines.append("    \(graph.keyText[u])  (product: \(word)\(after))")
            }
            if !all, unchanged > 0 { lines.append("    (\(unchanged) unchanged; --all lists them)") }
            out += "\n  inputs:\n" + lines.joined(separator: "\n")
        }
        out += "\n  outputs:"
        for o in t.outputs {
            out += "\n    \(o)\(FileSignature.of(o) == nil ? "  (missing)" : "")"
        }
        if let old {
            out += "\n  last build fingerprint: \(old.fingerprint)"
        } else {
            out += "\n  no record of a previous build"
        }
        return out + "\n"
    }

    static func stateWord(_ s: InstanceState) -> String {
        switch s {
        case .unneeded: return "not needed"
        case .waiting: return "waiting"
        case .ready, .running, .wouldRun: return "out of date"
        case .upToDate: return "up to date"
        case .built: return "rebuilt"
        case .failed: return "failed"
        case .skipped: return "skipped"
        }
    }
}
