/// Renders the product graph as text, Graphviz DOT, Mermaid or JSON: per family (collapsed)
/// or per instance (expanded). Out-of-date products are marked, and new ones (never built:
/// a new epoch's or field's) are marked apart, each in its own colour in DOT and Mermaid.
public enum GraphExport {
    public enum Format: String, Sendable, CaseIterable { case text, dot, mermaid, json }

    struct Node {
        var id: String
        var label: String
        var count: Int
        var stale: Int
        /// Of the stale ones, those never built.
        var new: Int = 0
    }

    public static func render(_ engine: BuildEngine, families: [any FamilySource], format: Format,
                              expand: Bool) -> String {
        let g = engine.graph
        var nodes: [Node] = []
        var edges: [(String, String)] = []
        func isStale(_ id: InstanceID) -> Bool {
            switch engine.state[id] {
            case .wouldRun, .ready, .running: return true
            default: return false
            }
        }
        func isNeeded(_ id: InstanceID) -> Bool { engine.state[id] != .unneeded }
        func isNew(_ id: InstanceID) -> Bool { isStale(id) && engine.traces.summary(forKey: g.keyDigests[id]) == nil }
        if expand {
            for id in 0..<g.count where isNeeded(id) {
                nodes.append(Node(id: g.keyText[id], label: g.keyText[id], count: 1, stale: isStale(id) ? 1 : 0,
                                  new: isNew(id) ? 1 : 0))
                for up in g.tasks[id].productInputs where isNeeded(up) { edges.append((g.keyText[up], g.keyText[id])) }
            }
        } else {
            let relevant = Set(families.map(\.name).filter { g.isExpanded($0) ? g.instances(of: $0).contains(where: isNeeded) : true })
            for name in g.familyOrder + families.map(\.name).filter({ !g.isExpanded($0) }).sorted() where relevant.contains(name) {
                let r = g.instances(of: name)
                nodes.append(Node(id: name, label: name, count: g.isExpanded(name) ? r.count : -1,
                                  stale: r.filter(isStale).count, new: r.filter(isNew).count))
            }
            for f in families where relevant.contains(f.name) {
                for up in f.inputFamilies where relevant.contains(up) { edges.append((up, f.name)) }
                for up in f.expansionFamilies where relevant.contains(up) { edges.append((up, f.name)) }
            }
        }
        switch format {
        case .text: return text(nodes, edges)
        case .dot: return dot(nodes, edges)
        case .mermaid: return mermaid(nodes, edges)
        case .json: return json(nodes, edges)
        }
    }

    static func describe(_ n: Node) -> String {
        var parts: [String] = []
        if n.count < 0 { parts.append("not expanded yet") } else if n.count != 1 || n.label.contains("[") == false {
            parts.append("\(n.count) instance\(n.count == 1 ? "" : "s")")
        }
        if n.stale > n.new { parts.append("\(n.stale - n.new) out of date") }
        if n.new > 0 { parts.append("\(n.new) new") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

    static func text(_ nodes: [Node], _ edges: [(String, String)]) -> String {
        var deps: [String: [String]] = [:]
        var hasDependent: Set<String> = []
        for (a, b) in edges { deps[b, default: []].append(a); hasDependent.insert(a) }
        let byID = Dictionary(nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out = ""
        var printed: Set<String> = []
        func walk(_ id: String, _ prefix: String, _ isLast: Bool, _ top: Bool) {
            guard let n = byID[id] else { return }
            let branch = top ? "" : (isLast ? "└── " : "├── ")
            let again = printed.contains(id) && !(deps[id] ?? []).isEmpty
            out += prefix + branch + n.label + describe(n) + (again ? " ..." : "") + "\n"
            if again { return }
            printed.insert(id)
            let children = deps[id] ?? []
            let childPrefix = top ? "" : prefix + (isLast ? "    " : "│   ")
            for (i, c) in children.enumerated() { walk(c, childPrefix, i == children.count - 1, false) }
        }
        for n in nodes where !hasDependent.contains(n.id) { walk(n.id, "", true, true) }
        return out
    }

    static func dotID(_ s: String) -> String {
        "\"" + s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"") + "\""
    }

    static func dot(_ nodes: [Node], _ edges: [(String, String)]) -> String {
        var out = "digraph arrakis {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"];\n"
        for n in nodes {
            let label = n.label + describe(n)
            // New work green, other out-of-date work orange, up to date blue.
            let colour = n.new > 0 ? ", fillcolor=\"#d3f9d8\", color=\"#2b8a3e\""
                : n.stale > 0 ? ", fillcolor=\"#ffd8a8\", color=\"#e8590c\"" : ""
            out += "  \(dotID(n.id)) [label=\(dotID(label))\(colour)];\n"
        }
        for (a, b) in edges { out += "  \(dotID(a)) -> \(dotID(b));\n" }
        return out + "}\n"
    }

    static func mermaid(_ nodes: [Node], _ edges: [(String, String)]) -> String {
        var ids: [String: String] = [:]
        for (i, n) in nodes.enumerated() { ids[n.id] = "n\(i)" }
        var out = "graph LR\n"
        for n in nodes {
            let label = (n.label + describe(n)).replacingAll("\"", "#quot;")
            out += "  \(ids[n.id]!)[\"\(label)\"]\n"
        }
        for (a, b) in edges { if let x = ids[a], let y = ids[b] { out += "  \(x) --> \(y)\n" } }
        let stale = nodes.filter { $0.stale > 0 && $0.new == 0 }.compactMap { ids[$0.id] }
        if !stale.isEmpty {
            out += "  classDef stale fill:#ffd8a8,stroke:#e8590c\n  class \(stale.joined(separator: ",")) stale\n"
        }
        let new = nodes.filter { $0.new > 0 }.compactMap { ids[$0.id] }
        if !new.isEmpty {
            out += "  classDef new fill:#d3f9d8,stroke:#2b8a3e\n  class \(new.joined(separator: ",")) new\n"
        }
        return out
    }

    static func json(_ nodes: [Node], _ edges: [(String, String)]) -> String {
        let ns = nodes.map { n in
            "{\"id\":\(JSONText.quote(n.id)),\"instances\":\(n.count < 0 ? "null" : String(n.count)),\"outOfDate\":\(n.stale)}"
        }
        let es = edges.map { "{\"from\":\(JSONText.quote($0.0)),\"to\":\(JSONText.quote($0.1))}" }
        return "{\"nodes\":[" + ns.joined(separator: ",") + "],\"edges\":[" + es.joined(separator: ",") + "]}\n"
    }
}

/// Minimal JSON string quoting (the engine has no Foundation dependency).
public enum JSONText {
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func replacingAll(_ target: String, _ replacement: String) -> String {
        split(separator: Substring(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
