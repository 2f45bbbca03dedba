import Language
import Graph

/// A loaded Arrakisfile: its product families for the engine, default targets and settings.
public struct Project: Sendable {
    public let path: String
    public let ast: ArrakisfileAST
    public let families: [any FamilySource]
    public let productNames: [String]
    public let defaultTargets: [String]
    public let blocks: [SettingsBlock]
    public let globals: GlobalScope
    /// The built-in rule kinds the Arrakisfile was checked and lowered against.
    public let rules: RuleCatalog

    /// Parses, checks and lowers the Arrakisfile at `path` (and its includes).
    public static func load(path: String, environment: [String: String]? = nil,
                            rules: RuleCatalog = PipelineRules.catalog) throws -> Project {
        let ast = try ArrakisfileLoader.load(path: path, rules: rules)
        return try Project(path: path, ast: ast, environment: environment ?? currentEnvironment(), rules: rules)
    }

    init(path: String, ast: ArrakisfileAST, environment: [String: String], rules: RuleCatalog = PipelineRules.catalog) throws {
        self.path = path
        self.ast = ast
        self.rules = rules
        var variables: [VariableDecl] = []
        var products: [ProductDecl] = []
        var defaults: [String] = []
        var blocks: [SettingsBlock] = []
        for s in ast.statements {
            switch s {
            case .variable(let v): variables.append(v)
            case .product(let p): products.append(p)
            case .defaults(let ids, _): defaults.append(contentsOf: ids.map(\.name))
            case .block(let b): blocks.append(b)
            }
        }
        let scope = try GlobalScope(variables: variables, products: Set(products.map(\.name.name)),
                                    environment: environment)
        globals = scope
        let digest = Self.definitionDigest(files: ast.files, environment: environment, values: scope.values)
        let links = try PathLinks(products: products, scope: scope, rules: rules)
        try Self.checkCycles(products, links: links)
        families = try products.map {
            try ProductFamily($0, scope: scope, environment: environment, projectDigest: digest,
                              linked: links.producers[$0.name.name] ?? [], outputPositions: links.outputPositions,
                              checkedResources: ast.checkedResources[$0.name.name] ?? [:], rules: rules)
        }
        productNames = products.map(\.name.name)
        defaultTargets = defaults
        self.blocks = blocks
    }

    /// Turns command-line target words into engine targets: `wc`, `wc[alpha]`,
    /// `cutouts:RACS_1237+12A` (every instance with that value among its key values), or a
    /// path. A word that is neither a product nor a path but close to a product's name is
    /// refused with a suggestion.
    public func targets(_ words: [String]) throws -> [BuildTarget] {
        let names = Set(productNames)
        return try words.map { w in
            if names.contains(w) { return .family(w) }
            if let open = w.firstIndex(of: "["), w.hasSuffix("]") {
                let fam = String(w[..<open])
                let inner = w[w.index(after: open)..<w.index(before: w.endIndex)]
                let values = inner.split(separator: ",").map { $0.trimmingSpaces() }
                return .instance(ProductKey(family: fam, values: values))
            }
            if let colon = w.firstIndex(of: ":"), names.contains(String(w[..<colon])) {
                return .matching(family: String(w[..<colon]), value: String(w[w.index(after: colon)...]))
            }
            if !w.contains("/"), let near = DidYouMean.suggestion(for: w, among: productNames) {
                throw UnknownTarget(target: w, hint: "did you mean '\(near)'? products: \(productNames.joined(separator: ", "))")
            }
            return .output(w)
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
