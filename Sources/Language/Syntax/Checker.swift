/// Static checks on a parsed Arrakisfile: names, duplicates, functions, templates,
/// settings, and cycles between lets and between products.
///
/// All errors are collected; `check` returns them in source order (by top-level statement,
/// then line and column) so the loader can report the first one.
package struct Checker {
    let ast: ArrakisfileAST
    /// The built-in rule kinds `rule NAME` may name, given by the caller.
    let rules: RuleCatalog
    /// The first declaration of each let and product, and their names in source order.
    var lets: [String: VariableDecl] = [:]
    var letNames: [String] = []
    var products: [String: ProductDecl] = [:]
    var productNames: [String] = []
    /// The top-level statement index of each let and product, for ordering errors.
    var letStatement: [String: Int] = [:]
    var productStatement: [String: Int] = [:]
    /// Product dependencies found while checking: product -> (dependency, where referenced).
    var dependencies: Edges = [:]
    /// Index of the top-level statement being checked, for ordering the errors.
    var statementIndex = 0
    /// The amount of each `cpus`, `mem` and `time` whose value the checker could read, by
    /// product: lowering uses these instead of parsing the values again.
    var resources: [String: [ResourceSetting: Int]] = [:]
    private var found: [(order: Int, diagnostic: Diagnostic)] = []

    init(ast: ArrakisfileAST, rules: RuleCatalog) {
        self.ast = ast
        self.rules = rules
    }

    /// All errors in `ast`, in source order.
    package static func check(_ ast: ArrakisfileAST, rules: RuleCatalog) -> [Diagnostic] {
        checked(ast, rules: rules).diagnostics
    }

    /// All errors in `ast`, in source order, and the resource amounts read from its literals.
    static func checked(_ ast: ArrakisfileAST, rules: RuleCatalog) -> (diagnostics: [Diagnostic], resources: [String: [ResourceSetting: Int]]) {
        var checker = Checker(ast: ast, rules: rules)
        checker.run()
        return (checker.sortedDiagnostics(), checker.resources)
    }

    mutating func error(_ message: String, at location: SourceLocation) {
        found.append((statementIndex, Diagnostic(message, at: location)))
    }

    private func sortedDiagnostics() -> [Diagnostic] {
        found.enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.order != y.order { return x.order < y.order }
            if x.diagnostic.location.file == y.diagnostic.location.file {
                if x.diagnostic.location.line != y.diagnostic.location.line {
                    return x.diagnostic.location.line < y.diagnostic.location.line
                }
                if x.diagnostic.location.column != y.diagnostic.location.column {
                    return x.diagnostic.location.column < y.diagnostic.location.column
                }
            }
            return a.offset < b.offset
        }.map(\.element.diagnostic)
    }

    private mutating func run() {
        collectDeclarations()
        for (index, statement) in ast.statements.enumerated() {
            statementIndex = index
            switch statement {
            case .variable(let decl):
                checkExpression(decl.value, in: .letValue, scope: nil)
            case .product(let product):
                checkProduct(product)
            case .defaults(let names, _):
                for name in names where products[name.name] == nil {
                    error("unknown product '\(name.name)' in 'default'\(DidYouMean.hint(for: name.name, among: productNames)); expected a product name: \(Checker.shortList(productNames))",
                          at: name.location)
                }
            case .block(let block):
                checkBlock(block)
            }
        }
        checkLetCycles()
        checkProductCycles()
    }

    // MARK: Declarations

    private mutating func collectDeclarations() {
        var blocks: [String: SourceLocation] = [:]
        for (index, statement) in ast.statements.enumerated() {
            statementIndex = index
            switch statement {
            case .variable(let decl):
                let name = decl.name.name
                if let first = lets[name] {
                    error("duplicate let '\(name)' (first defined at \(first.name.location); expected each let to be defined once)",
                          at: decl.name.location)
                } else if Keywords.reservedValues.contains(name) {
                    error("'\(name)' is a reserved word (expected another variable name)", at: decl.name.location)
                } else {
                    lets[name] = decl
                    letNames.append(name)
                    letStatement[name] = index
                }
            case .product(let product):
                let name = product.name.name
                if let first = products[name] {
                    error("duplicate product '\(name)' (first defined at \(first.name.location); expected each product name once)",
                          at: product.name.location)
                } else {
                    products[name] = product
                    productNames.append(name)
                    productStatement[name] = index
                }
            case .block(let block):
                let title = block.kind.name + (block.name.map { " " + $0.name } ?? "")
                if let first = blocks[title] {
                    error("duplicate '\(title)' block (first at \(first); expected one block per kind and name)",
                          at: block.location)
                } else {
                    blocks[title] = block.location
                }
            case .defaults:
                break
            }
        }
        // A let and a product may not share a name: `input x` would be ambiguous.
        for (index, statement) in ast.statements.enumerated() {
            guard case .variable(let decl) = statement, lets[decl.name.name]?.name == decl.name,
                  let product = products[decl.name.name] else { continue }
            statementIndex = index
            error("let '\(decl.name.name)' has the same name as the product at \(product.name.location) (expected distinct names)",
                  at: decl.name.location)
        }
    }

    private mutating func checkBlock(_ block: SettingsBlock) {
        var seen: [String: SourceLocation] = [:]
        let title = block.kind.name + (block.name.map { " " + $0.name } ?? "")
        for setting in block.settings {
            if let first = seen[setting.key.name] {
                error("duplicate setting '\(setting.key.name)' in the '\(title)' block (first at line \(first.line); expected each setting once)",
                      at: setting.key.location)
            } else {
                seen[setting.key.name] = setting.key.location
            }
            if block.kind.name == "executor", block.name?.name == "slurm", !Keywords.slurmSettings.contains(setting.key.name) {
                error("unknown setting '\(setting.key.name)' in the 'executor slurm' block\(DidYouMean.hint(for: setting.key.name, among: Keywords.slurmSettings)); expected one of: \(Keywords.slurmSettings.joined(separator: ", "))",
                      at: setting.key.location)
            }
            checkExpression(setting.value, in: .block, scope: nil)
        }
    }

    // MARK: Helpers

    /// Up to 12 names for "expected one of" lists.
    static func shortList(_ names: [String]) -> String {
        if names.isEmpty { return "none defined" }
        if names.count <= 12 { return names.joined(separator: ", ") }
        return names.prefix(12).joined(separator: ", ") + ", ... (\(names.count - 12) more)"
    }

    /// Follows `NAME` through lets to the value it stands for (stops at cycles).
    func resolveLets(_ expr: Expr) -> (value: Expr, viaLet: String?) {
        var value = expr
        var via: String?
        var seen: Set<String> = []
        while case .name(let id, nil) = value, let decl = lets[id.name], seen.insert(id.name).inserted {
            via = via ?? id.name
            value = decl.value
        }
        return (value, via)
    }
}
