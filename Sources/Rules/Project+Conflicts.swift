import Language
import Graph

extension Project {
    /// An engine error in the Arrakisfile's terms: two products writing one thing
    /// (`OutputConflict`) becomes a diagnostic at the later product's declaration that names
    /// the earlier one's and, for built-in rules, the params that give a product its own
    /// output location. Other errors are returned as they are.
    public func located(_ error: Error) -> Error {
        guard let conflict = error as? OutputConflict else { return error }
        let decls = Dictionary(ast.statements.compactMap { s -> (String, ProductDecl)? in
            if case .product(let p) = s { return (p.name.name, p) } else { return nil }
        }, uniquingKeysWith: { a, _ in a })
        guard let first = decls[conflict.firstFamily], let second = decls[conflict.secondFamily] else { return error }
        let later = Self.isBefore(first.location, second.location) ? second : first
        let earlier = later.name.name == second.name.name ? first : second
        var message: String
        if first.name.name == second.name.name {
            message = "two instances of product '\(first.name.name)' write \(conflict.what) (\(conflict.first) and \(conflict.second)); expected each output to have one owner: make the path depend on every loop variable"
        } else {
            message = "products '\(earlier.name.name)' (\(earlier.name.location)) and '\(later.name.name)' both write \(conflict.what) (\(conflict.first) and \(conflict.second)); expected each output to have one owner"
            if let kind = ruleKind(later), let signature = rules[kind] {
                let locations = signature.params.filter(\.outputLocation).map { "param \($0.name)" }
                if !locations.isEmpty {
                    message += ": give '\(later.name.name)' its own \(locations.joined(separator: ", ")) (rule \(kind)'s output locations)"
                }
            } else {
                message += ": give '\(later.name.name)' other output paths"
            }
        }
        return Diagnostic.at(later.name.location, message)
    }

    private func ruleKind(_ product: ProductDecl) -> String? {
        guard let rule = product.setting("rule") else { return nil }
        switch rule.value {
        case .name(let id, nil): return id.name
        case .string(let t, _): return t.literal
        default: return nil
        }
    }

    private static func isBefore(_ a: SourceLocation, _ b: SourceLocation) -> Bool {
        if a.file != b.file { return false }
        return (a.line, a.column) < (b.line, b.column)
    }
}
