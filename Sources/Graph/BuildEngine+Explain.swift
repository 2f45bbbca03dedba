extension BuildEngine {
    /// A human explanation of one product: its state and reason, rule, parameters, inputs
    /// (current digests against the last build's) and outputs.
    public func explain(_ key: String) -> String? {
        guard let id = graph.keyText.firstIndex(of: key) else { return nil }
        let t = graph.tasks[id]
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
        if !t.params.isEmpty {
            out += "\n  parameters:"
            let oldParams = Dictionary((old?.params ?? []).map { ($0.name, $0.digest) }, uniquingKeysWith: { a, _ in a })
            for (n, v) in t.params.sorted(by: { $0.0 < $1.0 }) {
                let changed = old != nil && oldParams[n] != Digest(v)
                out += "\n    \(n) = \(v)\(changed ? "   (changed)" : "")"
            }
        }
        if !t.fileInputs.isEmpty || !t.productInputs.isEmpty {
            out += "\n  inputs:"
            for p in t.fileInputs {
                let now = (try? digests.digest(of: p)) ?? nil
                let was = oldInputs[p]
                let note = now == nil ? "missing" : was == nil ? "new" : was == now ? "unchanged" : "changed"
                out += "\n    \(p)  \(now.map { String($0.description.prefix(16)) } ?? "-")  (\(note))"
            }
            for u in t.productInputs {
                let after = t.orderOnly.contains(u) ? ", after: order only" : ""
                out += "\n    \(graph.keyText[u])  (product: \(Self.stateWord(state[u]))\(after))"
            }
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
