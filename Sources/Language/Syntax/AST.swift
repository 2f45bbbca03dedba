/// The syntax tree of an Arrakisfile (after includes are spliced in).
///
/// The parser builds it, the checker validates it, and the lowering in Rules turns it into
/// the engine's product families. Every node carries its source location for errors.
public struct ArrakisfileAST: Sendable {
    /// Top-level statements in source order, includes already expanded in place.
    public var statements: [TopLevel]
    /// Every file read (the root first, then includes), for fingerprinting and errors.
    public var files: [String]
    /// The `cpus`, `mem` and `time` amounts the checker read from literal values, by
    /// product; lowering parses only the others (`env(...)`, `int(...)`).
    public var checkedResources: [String: [ResourceSetting: Int]]

    public init(statements: [TopLevel], files: [String], checkedResources: [String: [ResourceSetting: Int]] = [:]) {
        self.statements = statements
        self.files = files
        self.checkedResources = checkedResources
    }
}

public enum TopLevel: Sendable {
    /// `let NAME = EXPR`
    case variable(VariableDecl)
    /// `product NAME { ... }`
    case product(ProductDecl)
    /// `default NAME [NAME...]`: the targets of a bare `arrakis build`.
    case defaults([Identifier], SourceLocation)
    /// A settings block: `KIND [NAME] { key EXPR ... }`, e.g. `executor slurm { account "x" }`.
    case block(SettingsBlock)
}

public struct Identifier: Hashable, Sendable {
    public var name: String
    public var location: SourceLocation
    public init(_ name: String, at location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

public struct VariableDecl: Sendable {
    public var name: Identifier
    public var value: Expr
    public init(name: Identifier, value: Expr) {
        self.name = name
        self.value = value
    }
}

public struct SettingsBlock: Sendable {
    public var kind: Identifier
    public var name: Identifier?
    public var settings: [Setting]
    public var location: SourceLocation
    public init(kind: Identifier, name: Identifier?, settings: [Setting], location: SourceLocation) {
        self.kind = kind
        self.name = name
        self.settings = settings
        self.location = location
    }
}

public struct Setting: Sendable {
    public var key: Identifier
    public var value: Expr
    public init(key: Identifier, value: Expr) {
        self.key = key
        self.value = value
    }
}

public struct ProductDecl: Sendable {
    public var name: Identifier
    public var location: SourceLocation
    /// `for x in EXPR` / `for (a, b) in EXPR`, in order; several mean a cartesian product.
    public var fanOuts: [FanOut]
    /// `input [NAME =] EXPR`, and `after PRODUCT` (order-only, `orderOnly` set)
    public var inputs: [NamedExpr]
    /// `output [NAME =] EXPR`
    public var outputs: [NamedExpr]
    /// `manifest EXPR`: an output file (TSV with a header row) others may fan out over.
    public var manifest: Expr?
    /// `param NAME = EXPR`
    public var params: [NamedExpr]
    /// Other single-valued keywords: cpus, mem, time, retries, version, shell, rule, ...
    public var settings: [Setting]

    public init(name: Identifier, location: SourceLocation, fanOuts: [FanOut] = [],
                inputs: [NamedExpr] = [], outputs: [NamedExpr] = [], manifest: Expr? = nil,
                params: [NamedExpr] = [], settings: [Setting] = []) {
        self.name = name
        self.location = location
        self.fanOuts = fanOuts
        self.inputs = inputs
        self.outputs = outputs
        self.manifest = manifest
        self.params = params
        self.settings = settings
    }

    public func setting(_ key: String) -> Setting? { settings.first { $0.key.name == key } }
}

public struct FanOut: Sendable {
    /// The loop variables: one for a list or a plain glob, several for `glob("{a}/{b}.txt")`
    /// wildcards or manifest columns.
    public var variables: [Identifier]
    public var source: Expr
    public var location: SourceLocation
    public init(variables: [Identifier], source: Expr, location: SourceLocation) {
        self.variables = variables
        self.source = source
        self.location = location
    }
}

public struct NamedExpr: Sendable {
    public var name: Identifier?
    public var value: Expr
    /// For `after PRODUCT` (an input that orders the build but is not fingerprinted).
    public var orderOnly: Bool
    public init(name: Identifier?, value: Expr, orderOnly: Bool = false) {
        self.name = name
        self.value = value
        self.orderOnly = orderOnly
    }
}

public indirect enum Expr: Sendable {
    /// A string literal; `{...}` placeholders inside it are template fields.
    case string(Template, SourceLocation)
    case integer(Int, SourceLocation)
    case float(Double, SourceLocation)
    case bool(Bool, SourceLocation)
    case list([Expr], SourceLocation)
    /// `NAME` or `NAME.attr` (a variable, a loop variable, or a product family).
    case name(Identifier, attribute: Identifier?)
    /// `NAME(args)`: env, glob, range, manifest.
    case call(Identifier, [Expr], SourceLocation)
    /// `NAME[a, b = EXPR]`: the instances of a product family whose bindings match;
    /// `NAME[a].OUTPUT`: only their output named OUTPUT.
    case select(Identifier, [Selector], output: Identifier?, SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .string(_, let l), .integer(_, let l), .float(_, let l), .bool(_, let l),
             .list(_, let l), .call(_, _, let l), .select(_, _, _, let l):
            return l
        case .name(let id, _):
            return id.location
        }
    }
}

/// One selector inside `family[...]`: `island` (same value as my `island`) or `island = EXPR`.
public struct Selector: Sendable {
    public var variable: Identifier
    public var value: Expr?
    public init(variable: Identifier, value: Expr?) {
        self.variable = variable
        self.value = value
    }
}

/// A string literal split into literal text and `{name[.attr][:format]}` fields.
public struct Template: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case text(String)
        case field(TemplateField)
    }
    public var parts: [Part]
    public init(parts: [Part]) { self.parts = parts }

    /// The literal value if the template has no fields.
    public var literal: String? {
        var out = ""
        for part in parts {
            guard case .text(let t) = part else { return nil }
            out += t
        }
        return out
    }

    /// The template as it would be written (escapes aside): `images/{field}/b{beam:02}.fits`.
    public var sourceText: String {
        parts.map { part -> String in
            switch part {
            case .text(let t): return t.replacingOccurrences(of: "{", with: "{{").replacingOccurrences(of: "}", with: "}}")
            case .field(let f): return "{" + f.name + (f.attribute.map { "." + $0 } ?? "") + (f.format.map { ":" + $0 } ?? "") + "}"
            }
        }.joined()
    }

    public var fields: [TemplateField] {
        parts.compactMap { if case .field(let f) = $0 { return f } else { return nil } }
    }
}

public struct TemplateField: Sendable, Hashable {
    public var name: String
    /// `stem`, `name`, `dir`, `ext` for paths; a named input/output for `input.x`.
    public var attribute: String?
    /// Python-like format spec after `:`, e.g. `02` (zero-pad to width 2) or `>8`.
    public var format: String?
    /// Location of the field's first character (after `{`).
    public var location: SourceLocation
    public init(name: String, attribute: String?, format: String?, location: SourceLocation) {
        self.name = name
        self.attribute = attribute
        self.format = format
        self.location = location
    }
}
