import Language
import Foundation
import Dispatch
import Graph

/// A `product` declaration lowered for the engine: expands into one `TaskSpec` per binding
/// of its loop variables, rendering paths, parameters and the command for each.
struct ProductFamily: FamilySource {
    let decl: ProductDecl
    let scope: GlobalScope
    let environment: [String: String]

    let name: String
    let variables: [String]
    /// Position of each loop variable in a binding row.
    private let variableIndex: [String: Int]
    let inputFamilies: [String]
    /// Whether any file input may be another product's output (`PathLinks`).
    let linksFileInputs: Bool
    let expansionFamilies: [String]
    let ruleKind: String
    let ruleVersion: String
    let resources: Resources
    private let inputs: [InputPlan]
    /// Per input plan: an `after` (order-only) input.
    private let orderOnly: [Bool]
    /// String-valued outputs, file inputs and the shell command, prepared once.
    private let outputTemplates: [CompiledTemplate?]
    private let inputTemplates: [CompiledTemplate?]
    private let shellTemplate: CompiledTemplate?
    /// The `shell` setting, looked up once.
    private let shellSetting: Setting?
    /// Whether any input is `after` (order-only).
    private let hasOrderOnly: Bool
    /// The built-in rule's signature (nil for shell products): checks the values only known
    /// per instance, such as `env(...)` params and glob-bound epochs.
    private let signature: RuleSignature?
    /// What an instance of the built-in rule writes besides its outputs, from its arguments.
    private let claims: (@Sendable (String, [String: String]) -> [OutputClaim])?
    /// See `FamilySource.expansionDefinition`: set for a shell family fanned out over a glob
    /// whose paths, command and loop bindings come from compiled templates and top-level
    /// values alone.
    let expansionDefinition: Digest?

    enum InputPlan {
        case files(name: String?, Expr)
        case family(name: String?, String, OutputPick)
        case select(name: String?, String, [Selector], OutputPick)

        var name: String? {
            switch self {
            case .files(let n, _), .family(let n, _, _), .select(let n, _, _, _): return n
            }
        }
    }

    /// Which of an upstream instance's outputs an input reads: all, one by position
    /// (`catalogue[epoch, field].votable`), or its manifest.
    enum OutputPick {
        case all
        case position(Int)
        case manifest

        /// Appends instance `id`'s picked paths to `paths`, reading it in place.
        func append(_ id: InstanceID, of graph: BuildGraph, to paths: inout [String]) {
            switch self {
            case .all: paths.append(contentsOf: graph.outputs(of: id))
            case .position(let i):
                let outputs = graph.outputs(of: id)
                if i < outputs.count { paths.append(outputs[i]) }
            case .manifest: if let m = graph.manifest(of: id) { paths.append(m) }
            }
        }
    }

    init(_ decl: ProductDecl, scope: GlobalScope, environment: [String: String], projectDigest: Digest? = nil,
         linked: [String] = [], outputPositions: [String: [String: Int]] = [:],
         checkedResources: [ResourceSetting: Int] = [:],
         rules: RuleCatalog = PipelineRules.catalog,
         claims: (@Sendable (String, [String: String]) -> [OutputClaim])? = PipelineRules.claims) throws {
        self.decl = decl
        self.scope = scope
        self.environment = environment
        name = decl.name.name
        variables = decl.fanOuts.flatMap { $0.variables.map(\.name) }
        variableIndex = Dictionary(variables.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let loopVars = Set(variables)
        var plans: [InputPlan] = []
        var fams: [String] = []
        orderOnly = decl.inputs.map(\.orderOnly)
        hasOrderOnly = orderOnly.contains(true)
        shellSetting = decl.setting("shell")
        func pick(_ product: String, _ output: Identifier?) throws -> OutputPick {
            guard let output else { return .all }
            if output.name == "manifest" { return .manifest }
            guard let i = outputPositions[product]?[output.name] else {
                throw Diagnostic.at(output.location, "product '\(product)' has no output '\(output.name)' that is one path")
            }
            return .position(i)
        }
        for input in decl.inputs {
            let n = input.name?.name
            switch input.value {
            case .name(let id, let output) where scope.products.contains(id.name) && !loopVars.contains(id.name):
                plans.append(.family(name: n, id.name, try pick(id.name, output))); fams.append(id.name)
            case .select(let id, let sels, let output, _):
                plans.append(.select(name: n, id.name, sels, try pick(id.name, output))); fams.append(id.name)
            default:
                plans.append(.files(name: n, input.value))
            }
        }
        inputs = plans
        let params = Set(decl.params.compactMap { $0.name?.name })
        let index = variableIndex
        func compile(_ e: Expr) throws -> CompiledTemplate? {
            guard case .string(let t, _) = e else { return nil }
            return try CompiledTemplate(t, variableIndex: index, scope: scope, shadowed: params)
        }
        outputTemplates = try decl.outputs.map { try compile($0.value) }
        inputTemplates = try plans.map { if case .files(_, let e) = $0 { return try compile(e) } else { return nil } }
        // In a command, input/output/manifest always mean the product's own paths.
        shellTemplate = try decl.setting("shell").flatMap { setting -> CompiledTemplate? in
            guard case .string(let t, _) = setting.value else { return nil }
            return try CompiledTemplate(t, variableIndex: index, scope: scope,
                                        shadowed: params.union(Keywords.shellFields))
        }
        var expansion: [String] = []
        for f in decl.fanOuts {
            if case .call(let fn, let args, _) = f.source, fn.name == "manifest",
               case .name(let p, _)? = args.first {
                expansion.append(p.name)
            }
        }
        inputFamilies = Array(Set(fams + linked)).sorted()
        linksFileInputs = !linked.isEmpty
        expansionFamilies = expansion

        let staticEval = ExpressionEvaluator(lookup: { [scope] n, loc in
            guard let v = scope.values[n] else { throw Diagnostic.at(loc, "unknown name '\(n)'") }
            return v
        }, environment: environment)
        func setting(_ key: String) throws -> Value? {
            guard let s = decl.setting(key) else { return nil }
            return try staticEval.value(s.value)
        }
        var res = Resources()
        // The checker read the literal amounts; values only known now go through the same syntax.
        func amount(_ resource: ResourceSetting) throws -> Int? {
            guard let s = decl.setting(resource.rawValue) else { return nil }
            if let known = checkedResources[resource] { return known }
            return try resource.amount(of: try staticEval.value(s.value), at: s.value.location)
        }
        if let cpus = try amount(.cpus) { res.cpus = cpus }
        if let mem = try amount(.mem) { res.memoryMB = mem }
        if let time = try amount(.time) { res.timeSeconds = time }
        if let s = decl.setting("retries") {
            guard let r = Self.integer(try staticEval.value(s.value)), r >= 0 else {
                throw Diagnostic.at(s.value.location, "retries must be an integer >= 0")
            }
            res.retries = r
        }
        for key in ["account", "partition", "qos"] {
            if let s = decl.setting(key) {
                let text = try staticEval.value(s.value).description
                guard !text.isEmpty, !text.contains(where: { $0 == " " || $0 == "\t" || $0.isNewline }) else {
                    throw Diagnostic.at(s.value.location, "\(key) must be one word")
                }
                res.queue[key] = text
            }
        }
        resources = res
        var ruleVersion = try setting("version")?.description ?? "1"
        if let r = decl.setting("rule") {
            if case .name(let id, _) = r.value { ruleKind = id.name } else { ruleKind = try staticEval.value(r.value).description }
        } else {
            ruleKind = "shell"
        }
        signature = rules[ruleKind]
        self.claims = signature == nil ? nil : claims
        if let signature, signature.version > 1 {
            // `rmsynth v1 (built-in 2)`: products the earlier implementation built are rebuilt.
            ruleVersion += " (built-in \(signature.version))"
        }
        self.ruleVersion = ruleVersion
        let (ins, outs, shell, kind) = (inputTemplates, outputTemplates, shellTemplate, ruleKind)
        if let projectDigest, Self.listingOnly(decl, scope: scope, inputs: plans, inputTemplates: ins, outputTemplates: outs,
                                               shellTemplate: shell, ruleKind: kind, expansionFamilies: expansion) {
            expansionDefinition = Digest(projectDigest.description + "\u{0}" + decl.name.name)
        } else {
            expansionDefinition = nil
        }
    }

    /// Whether a family's instances depend only on its definition, the top-level values and
    /// the listings of a glob fan-out (see `expansionDefinition`).
    private static func listingOnly(_ decl: ProductDecl, scope: GlobalScope, inputs: [InputPlan],
                                    inputTemplates: [CompiledTemplate?], outputTemplates: [CompiledTemplate?],
                                    shellTemplate: CompiledTemplate?, ruleKind: String, expansionFamilies: [String]) -> Bool {
        func callsGlob(_ e: Expr) -> Bool {
            switch e {
            case .call(let fn, let args, _): return fn.name == "glob" || args.contains(where: callsGlob)
            case .list(let items, _): return items.contains(where: callsGlob)
            case .name(let id, _): return scope.globs[id.name] != nil
            default: return false
            }
        }
        func isGlob(_ e: Expr) -> Bool {
            if case .call(let fn, _, _) = e, fn.name == "glob" { return true }
            if case .name(let id, nil) = e, scope.globs[id.name] != nil { return true }
            return false
        }
        guard ruleKind == "shell", shellTemplate != nil, expansionFamilies.isEmpty, decl.manifest == nil,
              decl.params.isEmpty, !outputTemplates.contains(where: { $0 == nil }),
              decl.fanOuts.contains(where: { isGlob($0.source) }),
              decl.fanOuts.allSatisfy({ isGlob($0.source) || !callsGlob($0.source) }) else { return false }
        for (plan, template) in zip(inputs, inputTemplates) {
            guard case .files = plan, template != nil else { return false }
        }
        return true
    }

    /// An integer setting, also from text such as `env("CPUS", 2)` gives when the variable is set.
    static func integer(_ v: Value) -> Int? {
        switch v {
        case .integer(let i): return i
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    // MARK: - Expansion

    func expand(in graph: BuildGraph) throws -> [TaskSpec] {
        var listing: [String] = []
        var origins: [String]?
        return try render(try bindingRows(graph, listing: &listing, origins: &origins), graph)
    }

    func expandListing(in graph: BuildGraph, reuse: StoredParts?) throws -> ListingExpansion {
        var listing: [String] = []
        var origins: [String]?
        let rows = try bindingRows(graph, listing: &listing, origins: &origins)
        guard expansionDefinition != nil else { return ListingExpansion(specs: try render(rows, graph), directories: nil) }
        guard let origins, let parts = Self.parts(origins) else {
            return ListingExpansion(specs: try render(rows, graph), directories: listing)
        }
        // Each directory's rows: taken from the stored parts where its listing is unchanged,
        // the others rendered (all at once, in parallel when many).
        let found = reuse?.instances(of: parts.map { ($0.directory, $0.range.count) })
            ?? [[TaskSpec]?](repeating: nil, count: parts.count)
        let reused = Set(parts.indices.filter { found[$0] != nil }.map { parts[$0].directory })
        if reused.isEmpty { return ListingExpansion(specs: try render(rows, graph), directories: listing, parts: parts) }
        let rendered = try render(parts.indices.filter { found[$0] == nil }.flatMap { rows[parts[$0].range] }, graph)
        var specs: [TaskSpec] = []
        specs.reserveCapacity(rows.count)
        var next = 0
        for (p, part) in parts.enumerated() {
            if let s = found[p] {
                specs.append(contentsOf: s)
            } else {
                specs.append(contentsOf: rendered[next..<next + part.range.count])
                next += part.range.count
            }
        }
        return ListingExpansion(specs: specs, directories: listing, parts: parts, reused: reused)
    }

    /// The rows' directories as contiguous parts; nil if a directory's rows are not contiguous.
    static func parts(_ origins: [String]) -> [(directory: String, range: Range<Int>)]? {
        var parts: [(directory: String, range: Range<Int>)] = []
        var seen = Set<String>()
        var start = 0
        for i in origins.indices where i + 1 == origins.count || origins[i + 1] != origins[i] {
            guard seen.insert(origins[i]).inserted else { return nil }
            parts.append((origins[i], start..<i + 1))
            start = i + 1
        }
        return parts
    }

    /// The instances of the binding rows.
    private func render(_ rows: [Row], _ graph: BuildGraph) throws -> [TaskSpec] {
        if rows.count < 64 {
            return try rows.map { try instance($0, graph) }
        }
        // Fan-outs of many rows render in parallel, each chunk straight into its slots of
        // the result (no copy of 10^5..10^6 specs afterwards); the graph is only read here.
        // Not only the big ones: a thousand aggregates over a thousand inputs each (the
        // per-directory sums of a 10^6 fan-out) render a thousand paths per instance.
        let chunks = min(rows.count / 16, 4 * ProcessorCount.value)
        var failures = [Error?](repeating: nil, count: chunks)
        let all = try failures.withUnsafeMutableBufferPointer { errs -> [TaskSpec] in
            let errors = UnsafeSendableBuffer(errs)
            let specs = [TaskSpec](unsafeUninitializedCapacity: rows.count) { buf, initialized in
                let out = UnsafeSendableBuffer(buf)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let lo = rows.count * c / chunks, hi = rows.count * (c + 1) / chunks
                    var i = lo
                    do {
                        while i < hi {
                            (out.buffer.baseAddress! + i).initialize(to: try instance(rows[i], graph))
                            i += 1
                        }
                    } catch {
                        // Leave the chunk empty: drop what it made.
                        (out.buffer.baseAddress! + lo).deinitialize(count: i - lo)
                        errors.buffer[c] = error
                    }
                }
                if errors.buffer.contains(where: { $0 != nil }) {
                    for c in 0..<chunks where errors.buffer[c] == nil {
                        let lo = rows.count * c / chunks, hi = rows.count * (c + 1) / chunks
                        (out.buffer.baseAddress! + lo).deinitialize(count: hi - lo)
                    }
                    initialized = 0
                } else {
                    initialized = rows.count
                }
            }
            if let e = errors.buffer.first(where: { $0 != nil }) { throw e! }
            return specs
        }
        return all
    }

    /// One binding of the loop variables, in the order of `variables`.
    typealias Row = [Value]

    /// Every binding: the cartesian product of the fan-outs, in declaration order.
    /// `listing` receives the directories the globs listed; `origins`, for a family with
    /// one fan-out, a glob whose every match makes one row, the directory whose listing
    /// made each row (nil otherwise).
    func bindingRows(_ graph: BuildGraph, listing: inout [String], origins: inout [String]?) throws -> [Row] {
        var rows: [Row] = [[]]
        origins = nil
        for f in decl.fanOuts {
            var fanOutOrigins: [String]?
            let options = try fanOutRows(f, graph, listing: &listing, origins: &fanOutOrigins)
            if decl.fanOuts.count == 1 { origins = fanOutOrigins }
            if rows.count == 1 && rows[0].isEmpty { rows = options; continue }
            var next: [Row] = []
            next.reserveCapacity(rows.count * options.count)
            for r in rows {
                for o in options { next.append(r + o) }
            }
            rows = next
        }
        return rows
    }

    /// The bindings of one `for`, each in the order of its variables.
    private func fanOutRows(_ f: FanOut, _ graph: BuildGraph, listing: inout [String], origins: inout [String]?) throws -> [Row] {
        if case .name(let id, nil) = f.source, let glob = scope.globs[id.name] {
            var direct = f
            direct.source = glob
            return try fanOutRows(direct, graph, listing: &listing, origins: &origins)
        }
        let names = f.variables.map(\.name)
        let ev = ExpressionEvaluator(lookup: { [scope] n, loc in
            guard let v = scope.values[n] else { throw Diagnostic.at(loc, "unknown name '\(n)' (a loop source may use only top-level variables)") }
            return v
        }, environment: environment)
        switch f.source {
        case .call(let fn, let args, let loc) where fn.name == "glob":
            // Fields naming top-level variables are substituted; the others are wildcards.
            var patternEvaluator = ev
            patternEvaluator.renderField = { [scope] field in
                guard let v = scope.values[field.name] else { return "{\(field.name)}" }
                return try ExpressionEvaluator.format(field, v)
            }
            guard args.count == 1, case .string(let pattern) = try patternEvaluator.value(args[0]) else {
                throw Diagnostic.at(loc, "glob() expects one pattern string")
            }
            let glob = Glob(pattern)
            let captures = glob.captureNames
            let matches = glob.matches(listing: &listing)
            if !captures.isEmpty && Set(captures) == Set(names) {
                // Several paths bind the same values when a wildcard is repeated or `*`/`?`
                // match the rest: one instance per distinct combination, as for manifests.
                let mayRepeat = captures.count < glob.wildcardCount || glob.hasAnonymousWildcards
                let order = names.map { captures.firstIndex(of: $0)! }
                var seen = Set<[String]>(minimumCapacity: matches.count)
                var out: [Row] = []
                out.reserveCapacity(matches.count)
                for m in matches {
                    let vals = order.map { m.captures[$0] }
                    if mayRepeat, !seen.insert(vals).inserted { continue }
                    out.append(vals.map(Value.string))
                }
                // Where one directory's rows may stand in for another's, no row has a
                // directory of its own.
                if !mayRepeat { origins = matches.map { Self.parent($0.path) } }
                return out
            }
            guard names.count == 1 else {
                throw Diagnostic.at(loc, "glob \"\(pattern)\" binds one path; to bind \(names.joined(separator: ", ")) name them as {wildcards} in the pattern")
            }
            origins = matches.map { Self.parent($0.path) }
            return matches.map { [.string($0.path)] }
        case .call(let fn, let args, let loc) where fn.name == "manifest":
            guard case .name(let provider, _)? = args.first else {
                throw Diagnostic.at(loc, "manifest() expects a product name")
            }
            return try manifestRows(provider.name, names, graph, loc)
        default:
            let v = try ev.value(f.source)
            return try v.elements.map { element in
                if names.count == 1 { return [element] }
                let items = element.elements
                guard items.count == names.count else {
                    throw Diagnostic.at(f.location, "each element must have \(names.count) values for (\(names.joined(separator: ", "))), got \(element)")
                }
                return items
            }
        }
    }

    /// The directory holding `path`, as the glob lists it ("." for a bare name).
    static func parent(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    private func manifestRows(_ provider: String, _ names: [String], _ graph: BuildGraph, _ loc: SourceLocation) throws -> [Row] {
        var seen = Set<[String]>()
        var out: [Row] = []
        for id in graph.instances(of: provider) {
            guard let path = graph.manifest(of: id) else {
                throw Diagnostic.at(loc, "product '\(provider)' declares no manifest")
            }
            let table = try ManifestFile.read(path)
            let columns = try names.map { n in
                guard let i = table.header.firstIndex(of: n) else {
                    throw ExpansionError(family: name, message: "manifest \(path) has no column '\(n)' (columns: \(table.header.joined(separator: ", ")))")
                }
                return i
            }
            for row in table.rows {
                let vals = columns.map { row[$0] }
                guard seen.insert(vals).inserted else { continue }
                out.append(vals.map(Value.string))
            }
        }
        return out
    }

    /// The values an instance's expressions may name: its loop variables, its parameters
    /// (each sees the ones before it) and the top-level variables. A class so that an
    /// `ExpressionEvaluator` can hold it; made only for instances that need one.
    private final class Bindings {
        let row: Row
        let variableIndex: [String: Int]
        let scope: GlobalScope
        var params: [String: Value] = [:]

        init(row: Row, variableIndex: [String: Int], scope: GlobalScope) {
            self.row = row
            self.variableIndex = variableIndex
            self.scope = scope
        }

        func lookup(_ n: String, _ loc: SourceLocation) throws -> Value {
            if let i = variableIndex[n] { return row[i] }
            if let v = params[n] ?? scope.values[n] { return v }
            throw Diagnostic.at(loc, "unknown name '\(n)'")
        }
    }

    /// Renders one instance for one binding row.
    ///
    /// This runs for every instance at every build (a no-op build included), so the common
    /// case (paths and the command from compiled templates, no parameters) allocates only
    /// the strings and arrays the `TaskSpec` keeps: expressions get an evaluator only when
    /// the family has some that are not compiled templates.
    func instance(_ row: Row, _ graph: BuildGraph) throws -> TaskSpec {
        var bindings: Bindings? = nil
        var evaluator: ExpressionEvaluator? = nil
        func ev() -> ExpressionEvaluator {
            if let evaluator { return evaluator }
            let b = bindings ?? Bindings(row: row, variableIndex: variableIndex, scope: scope)
            bindings = b
            let e = ExpressionEvaluator(lookup: b.lookup, environment: environment)
            evaluator = e
            return e
        }
        func lookup(_ n: String, _ loc: SourceLocation) throws -> Value {
            if let i = variableIndex[n] { return row[i] }
            if let v = bindings?.params[n] ?? scope.values[n] { return v }
            throw Diagnostic.at(loc, "unknown name '\(n)'")
        }
        var params: [(String, Value)] = []
        if !decl.params.isEmpty {
            params.reserveCapacity(decl.params.count)
            let e = ev()
            for p in decl.params {
                var v = try e.value(p.value)
                if let signature, let name = p.name?.name, let spec = signature.param(name) {
                    v = try Self.checked(v, spec, kind: signature.kind, at: p.value.location)
                }
                params.append((p.name?.name ?? "", v))
                bindings!.params[p.name?.name ?? ""] = v
            }
        }
        func field(_ f: TemplateField) throws -> String {
            try ExpressionEvaluator.format(f, try lookup(f.name, f.location))
        }
        func append(_ e: Expr, _ compiled: CompiledTemplate?, to out: inout [String]) throws {
            if let compiled {
                out.append(try compiled.render(row, field: field))
            } else {
                for v in try ev().value(e).elements { out.append(v.description) }
            }
        }

        var outputs: [String] = []
        outputs.reserveCapacity(decl.outputs.count + (decl.manifest == nil ? 0 : 1))
        var namedOutputs: [String: [String]] = [:]
        for (o, compiled) in zip(decl.outputs, outputTemplates) {
            let before = outputs.count
            try append(o.value, compiled, to: &outputs)
            if let n = o.name?.name { namedOutputs[n] = Array(outputs[before...]) }
        }
        var manifest: String? = nil
        if let m = decl.manifest {
            let p = try ev().value(m).description
            manifest = p
            outputs.append(p)
            namedOutputs["manifest"] = [p]
        }

        var fileInputs: [String] = []
        var productInputs: [InstanceID] = []
        var inputPaths: [String] = []
        var namedInputs: [String: [String]] = [:]
        var orderOnlyInputs: Set<InstanceID> = [], regularInputs: Set<InstanceID> = []
        for (k, (plan, compiled)) in zip(inputs, inputTemplates).enumerated() {
            var paths: [String] = []
            let before = productInputs.count
            switch plan {
            case .files(_, let expr):
                try append(expr, compiled, to: &paths)
                fileInputs.append(contentsOf: paths)
            case .family(_, let f, let output):
                for id in graph.instances(of: f) { productInputs.append(id); output.append(id, of: graph, to: &paths) }
            case .select(_, let f, let sels, let output):
                let constraints = try sels.map { s -> (variable: String, value: String) in
                    let v = try s.value.map { try ev().value($0) } ?? lookup(s.variable.name, s.variable.location)
                    return (s.variable.name, v.description)
                }
                for id in graph.select(f, where: constraints) {
                    productInputs.append(id); output.append(id, of: graph, to: &paths)
                }
            }
            if orderOnly[k] {   // ordering only: neither fingerprinted nor passed to the rule
                orderOnlyInputs.formUnion(productInputs[before...])
                continue
            }
            if hasOrderOnly { regularInputs.formUnion(productInputs[before...]) }
            if inputPaths.isEmpty { inputPaths = paths } else { inputPaths.append(contentsOf: paths) }
            if let n = plan.name { namedInputs[n] = paths }
        }

        let key = ProductKey(family: name, values: row.map(\.description))
        let command: TaskCommand
        var claimed: [OutputClaim] = []
        var depfile: String?
        if ruleKind == "shell", let shell = shellSetting {
            guard let template = shellTemplate else {
                throw Diagnostic.at(shell.value.location, "shell expects a command string")
            }
            // `{input.stem}`, `{output.dir}`, `{manifest.name}`: a path attribute of each
            // declared path (outputs by their final name; the command writes to `{output}`).
            func attribute(_ a: String, of paths: [String], into out: inout String) -> Bool {
                guard PathAttributes.names.contains(a) else { return false }
                var first = true
                for p in paths {
                    guard let v = PathAttributes.apply(a, to: p) else { continue }
                    if !first { out += " " }
                    first = false
                    appendShellQuoted(v, to: &out)
                }
                return true
            }
            func quoted(_ paths: [String], temporary: Bool, into out: inout String) {
                for (i, p) in paths.enumerated() {
                    if i > 0 { out += " " }
                    appendShellQuoted(temporary ? TemporaryOutput.path(for: p) : p, to: &out)
                }
            }
            func commandField(_ f: TemplateField, _ out: inout String) throws {
                switch f.name {
                case "input", "inputs":
                    if let a = f.attribute, let named = namedInputs[a] { return quoted(named, temporary: false, into: &out) }
                    if f.attribute == nil { return quoted(inputPaths, temporary: false, into: &out) }
                    if let a = f.attribute, attribute(a, of: inputPaths, into: &out) { return }
                case "output", "outputs":
                    if let a = f.attribute, let named = namedOutputs[a] { return quoted(named, temporary: true, into: &out) }
                    if f.attribute == nil { return quoted(outputs, temporary: true, into: &out) }
                    if let a = f.attribute, attribute(a, of: outputs, into: &out) { return }
                case "manifest":
                    // The checker allows `{manifest}` only in a product that declares one.
                    guard let path = manifest else { break }
                    if let a = f.attribute {
                        _ = attribute(a, of: [path], into: &out)
                        return
                    }
                    return appendShellQuoted(TemporaryOutput.path(for: path), to: &out)
                default: break
                }
                out += try ExpressionEvaluator.format(f, try lookup(f.name, f.location))
            }
            command = .shell(try template.render(row, appending: commandField))
        } else {
            var args: [String: String] = [:]
            for (n, v) in params { args[n] = v.description }
            for (n, p) in namedInputs { args["input." + n] = p.joined(separator: "\n") }
            for (n, p) in namedOutputs { args["output." + n] = p.joined(separator: "\n") }
            args["inputs"] = inputPaths.joined(separator: "\n")
            args["outputs"] = outputs.joined(separator: "\n")
            for (v, value) in zip(variables, row) { args["key." + v] = value.description }
            if let signature {
                for spec in signature.loopVariables where spec.integer {
                    if let i = variableIndex[spec.name], Int(row[i].description) == nil {
                        throw Diagnostic.at(decl.fanOuts.first { $0.variables.contains { $0.name == spec.name } }?.location ?? decl.location,
                                            "rule '\(signature.kind)' needs \(spec.meaning), but \(key) has \(spec.name) '\(row[i].description)'")
                    }
                }
            }
            if signature?.discoversInputs == true, let manifest {
                depfile = manifest + ".inputs"
                args["depfile"] = depfile
            }
            command = .builtin(kind: ruleKind, arguments: args)
            claimed = claims?(ruleKind, args) ?? []
        }
        var spec = TaskSpec(key: key, fileInputs: PathList(fileInputs), productInputs: productInputs, outputs: PathList(outputs),
                            manifest: manifest, params: params.isEmpty ? [] : params.map { ($0.0, $0.1.canonical) },
                            ruleKind: ruleKind, ruleVersion: ruleVersion, command: command, resources: resources)
        if hasOrderOnly { spec.orderOnly = orderOnlyInputs.subtracting(regularInputs) }
        spec.claims = claimed
        spec.depfile = depfile
        return spec
    }

    /// A built-in rule's param value of the type its signature gives: text from an
    /// environment variable or a loop variable is read as that type (`"5"` is 5 for a
    /// number); anything else of another type is an error at the param's value.
    static func checked(_ value: Value, _ spec: ParamSpec, kind: String, at location: SourceLocation) throws -> Value {
        var v = value
        if case .string(let text) = value, let parsed = spec.type.parse(text) { v = parsed }
        if let why = spec.type.mismatch(v) {
            throw Diagnostic.at(location, "param '\(spec.name)' of rule '\(kind)' must be \(spec.type.description), \(why)")
        }
        return value
    }
}

