/// Cycle checks: lets that refer to themselves, params that do, and products that depend
/// on themselves. Each cycle is reported at the reference that closes it.
extension Checker {
    /// A directed graph's edges: node -> (target, where the reference is written).
    package typealias Edges = [String: [(target: String, location: SourceLocation)]]

    /// Every cycle found by a depth-first search from each node in `order`: the path
    /// (first node repeated at the end) and the location of the closing reference.
    package static func cycles(order: [String], edges: Edges) -> [(path: [String], location: SourceLocation)] {
        enum State { case visiting, done }
        var state: [String: State] = [:]
        var found: [(path: [String], location: SourceLocation)] = []
        for root in order where state[root] == nil {
            // Iterative, so a long chain of lets or products cannot overflow the stack.
            var stack: [(node: String, next: Int)] = [(root, 0)]
            state[root] = .visiting
            while let (node, next) = stack.last {
                let out = edges[node] ?? []
                guard next < out.count else {
                    state[node] = .done
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].next += 1
                let (target, location) = out[next]
                switch state[target] {
                case nil:
                    state[target] = .visiting
                    stack.append((target, 0))
                case .visiting?:
                    let start = stack.firstIndex { $0.node == target }!
                    found.append((stack[start...].map(\.node) + [target], location))
                case .done?:
                    break
                }
            }
        }
        return found
    }

    mutating func checkLetCycles() {
        var edges: Edges = [:]
        for name in letNames {
            edges[name] = letReferences(in: lets[name]!.value)
        }
        for cycle in Checker.cycles(order: letNames, edges: edges) {
            statementIndex = letStatement[cycle.path[cycle.path.count - 2]] ?? 0
            let why = cycle.path.count == 2 ? "a let cannot refer to itself" : "expected lets that do not refer back to themselves"
            error("let cycle: \(cycle.path.joined(separator: " -> ")) (\(why))", at: cycle.location)
        }
    }

    /// The lets a value refers to, by name or template field, in source order.
    private func letReferences(in expr: Expr) -> [(target: String, location: SourceLocation)] {
        switch expr {
        case .string(let template, _):
            return template.fields.filter { lets[$0.name] != nil }.map { ($0.name, $0.location) }
        case .integer, .float, .bool:
            return []
        case .list(let elements, _), .call(_, let elements, _):
            return elements.flatMap(letReferences)
        case .name(let id, _):
            return lets[id.name] != nil ? [(id.name, id.location)] : []
        case .select(_, let selectors, _, _):
            return selectors.compactMap(\.value).flatMap(letReferences)
        }
    }

    mutating func checkProductCycles() {
        for cycle in Checker.cycles(order: productNames, edges: dependencies) {
            statementIndex = productStatement[cycle.path[cycle.path.count - 2]] ?? 0
            let why = cycle.path.count == 2
                ? "a product cannot be its own input"
                : "expected products not to depend on themselves through other products"
            error("dependency cycle: \(cycle.path.joined(separator: " -> ")) (\(why))", at: cycle.location)
        }
    }

    /// `param a = "{b}"`, `param b = "{a}"`.
    mutating func checkParamCycles(_ product: ProductDecl) {
        let names = product.params.compactMap { $0.name?.name }
        var edges: Edges = [:]
        for param in product.params {
            guard let name = param.name?.name, edges[name] == nil else { continue }
            edges[name] = paramReferences(in: param.value, params: Set(names))
        }
        for cycle in Checker.cycles(order: names, edges: edges) {
            error("param cycle: \(cycle.path.joined(separator: " -> ")) (expected params that do not refer back to themselves)",
                  at: cycle.location)
        }
    }

    private func paramReferences(in expr: Expr, params: Set<String>) -> [(target: String, location: SourceLocation)] {
        switch expr {
        case .string(let template, _):
            return template.fields.filter { params.contains($0.name) }.map { ($0.name, $0.location) }
        case .list(let elements, _), .call(_, let elements, _):
            return elements.flatMap { paramReferences(in: $0, params: params) }
        default:
            return []
        }
    }
}
