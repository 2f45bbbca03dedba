import Language
extension Project {
    /// Cycles that path links close: product A reads a path product B writes while B
    /// depends on A (by name or by another path). Cycles of named dependencies alone were
    /// reported when the file was checked.
    static func checkCycles(_ products: [ProductDecl], links: PathLinks) throws {
        var edges: Checker.Edges = [:]
        for p in products {
            var out: [(target: String, location: SourceLocation)] = []
            for input in p.inputs {
                switch input.value {
                case .name(let id, _), .select(let id, _, _, _): out.append((id.name, id.location))
                default: break
                }
            }
            for f in p.fanOuts {
                if case .call(let fn, let args, _) = f.source, fn.name == "manifest", case .name(let id, _)? = args.first {
                    out.append((id.name, id.location))
                }
            }
            edges[p.name.name] = out.filter { t in products.contains { $0.name.name == t.target } }
        }
        let named = edges
        for (product, linked) in links.links {
            edges[product, default: []].append(contentsOf: linked.map { ($0.product, $0.location) })
        }
        guard let cycle = Checker.cycles(order: products.map(\.name.name), edges: edges).first else { return }
        // Name the path link that closes it.
        var at = cycle.location
        for (a, b) in zip(cycle.path, cycle.path.dropFirst())
        where !(named[a] ?? []).contains(where: { $0.target == b }) {
            if let link = links.links[a]?.first(where: { $0.product == b }) { at = link.location; break }
        }
        throw Diagnostic.at(at, "dependency cycle: \(cycle.path.joined(separator: " -> ")) (a product reads a path another one writes: expected products not to depend on themselves through the files they read)")
    }
}
