/// Which products write what other products read by path, found when the Arrakisfile loads.
///
/// A file input that may be another product's output (its template and one of that
/// product's output templates can stand for the same path) makes the other product a
/// dependency of the family, so that it is expanded and built first; the engine then links
/// each instance to the instance that declares the exact path (`BuildGraph.add`), as make
/// does. A `glob(...)` that can match another product's outputs is refused: it sees only the
/// files that exist when the build is planned, so on a fresh tree it would silently miss
/// them. Also computes, per product, the position of each named output among its outputs
/// (for `product[...].NAME`).
package struct PathLinks {
    /// Product -> the products whose outputs its file inputs may be, in declaration order,
    /// with the input that reads them.
    package private(set) var links: [String: [(product: String, location: SourceLocation)]] = [:]

    /// Product -> the products its file inputs may read from.
    package var producers: [String: [String]] { links.mapValues { $0.map(\.product) } }
    /// Product -> named output -> its position among the instance's outputs (when every
    /// output before it is one path).
    package private(set) var outputPositions: [String: [String: Int]] = [:]

    private struct Written {
        var product: String
        var pattern: PathPattern
        var location: SourceLocation
        var what: String
    }

    package init(products: [ProductDecl], scope: GlobalScope, rules: RuleCatalog) throws {
        var written: [Written] = []
        for p in products {
            let patterns = TemplatePatterns(product: p, scope: scope)
            var positions: [String: Int] = [:]
            var position = 0, single = true
            for o in p.outputs {
                if let n = o.name?.name, single { positions[n] = position }
                if case .string = o.value { position += 1 } else { single = false }
                for pattern in patterns.paths(o.value) {
                    written.append(Written(product: p.name.name, pattern: pattern, location: o.value.location,
                                           what: "output \(Self.text(o.value))"))
                }
            }
            outputPositions[p.name.name] = positions
            if let m = p.manifest {
                for pattern in patterns.paths(m) {
                    written.append(Written(product: p.name.name, pattern: pattern, location: m.location,
                                           what: "manifest \(Self.text(m))"))
                }
            }
            // Directories a built-in rule owns (sources' `fields`): everything under them.
            if let kind = Self.ruleKind(p), let signature = rules[kind] {
                for param in p.params {
                    guard let name = param.name, signature.param(name.name)?.ownsDirectory == true else { continue }
                    for pattern in patterns.paths(param.value) {
                        written.append(Written(product: p.name.name, pattern: pattern + .literal("/") + .unknown,
                                               location: param.value.location, what: "directory \(Self.text(param.value))"))
                    }
                }
            }
        }
        for p in products {
            let patterns = TemplatePatterns(product: p, scope: scope)
            var linked: [(product: String, location: SourceLocation)] = []
            for input in p.inputs where !input.orderOnly {
                if let glob = patterns.glob(input.value) {
                    if let w = written.first(where: { glob.intersects($0.pattern) }) {
                        throw Self.ambiguous("input \(Self.text(input.value))", glob: glob, at: input.value.location, w,
                                             fix: "input \(input.name.map { $0.name + " = " } ?? "")\(w.product)")
                    }
                    continue
                }
                for pattern in patterns.paths(input.value) {
                    for w in written where w.product != p.name.name && !linked.contains(where: { $0.product == w.product })
                        && pattern.intersects(w.pattern) {
                        linked.append((w.product, input.value.location))
                    }
                }
            }
            for fanOut in p.fanOuts {
                guard let glob = patterns.glob(fanOut.source) else { continue }
                if let w = written.first(where: { glob.intersects($0.pattern) }) {
                    throw Self.ambiguous("the fan-out over \(Self.text(fanOut.source))", glob: glob, at: fanOut.source.location, w,
                                         fix: "for ... in manifest(\(w.product)) (if it declares a manifest)")
                }
            }
            links[p.name.name] = linked
        }
    }

    private static func ambiguous(_ what: String, glob: PathPattern, at location: SourceLocation, _ w: Written,
                                  fix: String) -> Diagnostic {
        return Diagnostic.at(location, "\(what) can match files that product '\(w.product)' writes (its \(w.what) at \(w.location)); a glob sees only the files that exist when the build is planned, so on a fresh tree it would miss them: write \(fix) (or \(w.product)[...] for some of its instances, \(w.product).NAME for one output)")
    }

    /// An expression as written, for messages: `"a/{x}.txt"`, `glob("a/*.txt")`.
    static func text(_ e: Expr) -> String {
        switch e {
        case .string(let t, _): return "\"" + t.sourceText + "\""
        case .call(let fn, let args, _): return fn.name + "(" + args.map(text).joined(separator: ", ") + ")"
        case .list(let items, _): return "[" + items.map(text).joined(separator: ", ") + "]"
        default: return Checker.describe(e)
        }
    }

    static func ruleKind(_ p: ProductDecl) -> String? {
        guard let rule = p.setting("rule") else { return nil }
        switch rule.value {
        case .name(let id, nil): return id.name
        case .string(let t, _): return t.literal
        default: return nil
        }
    }
}

/// The path patterns of one product's expressions: template fields that name lets are
/// their values, params are their own templates, loop variables (and anything formatted)
/// are unknown text.
private struct TemplatePatterns {
    let product: ProductDecl
    let scope: GlobalScope
    let loopVariables: Set<String>
    /// Loop variables bound by a glob fan-out: their values never hold a '/'.
    let segmentVariables: Set<String>
    let params: [String: Expr]

    init(product: ProductDecl, scope: GlobalScope) {
        self.product = product
        self.scope = scope
        loopVariables = Set(product.fanOuts.flatMap { $0.variables.map(\.name) })
        // A glob's `{name}` is part of one path segment, so a variable a glob binds holds no '/'.
        segmentVariables = Set(product.fanOuts.filter { fanOut in
            var e = fanOut.source
            if case .name(let id, nil) = e, let g = scope.globs[id.name] { e = g }
            if case .call(let fn, _, _) = e, fn.name == "glob" { return true }
            return false
        }.flatMap { $0.variables.map(\.name) })
        var params: [String: Expr] = [:]
        for p in product.params { if let n = p.name?.name, params[n] == nil { params[n] = p.value } }
        self.params = params
    }

    /// The paths an input, output or manifest expression stands for (none for a glob, a
    /// product or anything else that is not a path).
    func paths(_ expr: Expr, depth: Int = 0) -> [PathPattern] {
        guard depth < 8 else { return [.unknown] }
        switch expr {
        case .string(let t, _): return [template(t, depth: depth)]
        case .list(let items, _): return items.flatMap { paths($0, depth: depth + 1) }
        case .name(let id, nil):
            if loopVariables.contains(id.name) { return [.unknown] }
            if let p = params[id.name] { return paths(p, depth: depth + 1) }
            if scope.globs[id.name] == nil, let v = scope.values[id.name] { return v.elements.map { .literal($0.description) } }
            return []
        default:
            return []
        }
    }

    /// The pattern of a `glob(...)` (or a let holding one), or nil for anything else.
    func glob(_ expr: Expr) -> PathPattern? {
        var e = expr
        if case .name(let id, nil) = e, !loopVariables.contains(id.name), let g = scope.globs[id.name] { e = g }
        guard case .call(let fn, let args, _) = e, fn.name == "glob", args.count == 1, case .string(let t, _) = args[0] else {
            return nil
        }
        // Lets are filled in; loop variables and params are unknown text; other fields are
        // wildcards within a segment (a glob's {name}).
        var out = PathPattern(atoms: [])
        for part in t.parts {
            switch part {
            case .text(let s): out = out + .glob(s)
            case .field(let f):
                if f.attribute == nil, f.format == nil, !loopVariables.contains(f.name), params[f.name] == nil,
                   let v = scope.values[f.name] {
                    out = out + .literal(v.description)
                } else if loopVariables.contains(f.name) || params[f.name] != nil || scope.values[f.name] != nil {
                    out = out + .unknown
                } else {
                    out = out + PathPattern(atoms: [.one(slash: false), .star(slash: false)])
                }
            }
        }
        return out
    }

    private func template(_ t: Template, depth: Int) -> PathPattern {
        var out = PathPattern(atoms: [])
        for part in t.parts {
            switch part {
            case .text(let s): out = out + .literal(s)
            case .field(let f): out = out + field(f, depth: depth)
            }
        }
        return out
    }

    private func field(_ f: TemplateField, depth: Int) -> PathPattern {
        if f.attribute == nil, f.format == nil, segmentVariables.contains(f.name) {
            return PathPattern(atoms: [.one(slash: false), .star(slash: false)])
        }
        guard f.attribute == nil, f.format == nil, !loopVariables.contains(f.name) else { return .unknown }
        if let p = params[f.name] {
            if case .string(let t, _) = p, depth < 8 { return template(t, depth: depth + 1) }
            if case .name(let id, nil) = p, let v = scope.values[id.name], case .string(let s) = v { return .literal(s) }
            return .unknown
        }
        if let v = scope.values[f.name] {
            switch v {
            case .string, .integer, .float, .bool: return .literal(v.description)
            case .list: return .unknown
            }
        }
        return .unknown
    }
}
