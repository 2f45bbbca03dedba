/// Checks of a product that names a built-in rule against the rule's `RuleSignature`:
/// loop variables, params (names, types, required ones), named inputs (names, what
/// produces them, required ones), outputs and the manifest.
extension Checker {
    mutating func checkRuleUse(_ product: ProductDecl, _ signature: RuleSignature, at ruleLocation: SourceLocation,
                               scope: ProductScope) {
        let name = product.name.name
        let kind = signature.kind
        let needed = signature.loopVariables.map(\.name)
        let missingVariables = needed.filter { !scope.loopVariables.contains($0) }
        if !missingVariables.isEmpty {
            let has = scope.loopVariables.isEmpty ? "it has none" : "it has: " + scope.loopVariables.joined(separator: ", ")
            error("rule '\(kind)' runs once per \(needed.joined(separator: " and ")): product '\(name)' needs the loop variable\(needed.count == 1 ? "" : "s") \(needed.joined(separator: ", ")) (\(has); as in for (epoch, field) in glob(\"{survey}/epoch_{epoch}/{field}\"))",
                  at: ruleLocation)
        }
        checkRuleParams(product, signature, at: ruleLocation, scope: scope)
        checkRuleInputs(product, signature, at: ruleLocation)
        checkRuleOutputs(product, signature, at: ruleLocation)
    }

    private mutating func checkRuleParams(_ product: ProductDecl, _ signature: RuleSignature, at ruleLocation: SourceLocation,
                                          scope: ProductScope) {
        let kind = signature.kind
        let known = signature.params.map(\.name)
        var given: Set<String> = []
        var suggested: Set<String> = []
        for param in product.params {
            guard let id = param.name else { continue }
            given.insert(id.name)
            guard let spec = signature.param(id.name) else {
                if let instead = signature.retiredParams[id.name] {
                    error("rule '\(kind)' takes no param '\(id.name)' (\(instead)); its params are: \(DidYouMean.list(known))", at: id.location)
                } else {
                    let near = DidYouMean.suggestion(for: id.name, among: known)
                    if let near { suggested.insert(near) }
                    error("unknown param '\(id.name)' for rule '\(kind)'\(near.map { " (did you mean '\($0)'?)" } ?? ""); its params are: \(DidYouMean.list(known))",
                          at: id.location)
                }
                continue
            }
            guard let value = staticParamValue(param.value, scope: scope) else { continue }
            if case .string(let text) = value, text == Self.templateMarker {
                // A string with template fields: only its being a string is known now.
                switch spec.type {
                case .integer, .number, .boolean:
                    error("param '\(id.name)' of rule '\(kind)' must be \(spec.type.description), found a string", at: param.value.location)
                default: break
                }
                continue
            }
            if let why = spec.type.mismatch(value) {
                error("param '\(id.name)' of rule '\(kind)' must be \(spec.type.description), \(why)", at: param.value.location)
            }
        }
        for spec in signature.params where spec.required && !given.contains(spec.name) && !suggested.contains(spec.name) {
            error("rule '\(kind)' needs param '\(spec.name)': \(spec.meaning) (as in param \(spec.name) = ...)", at: ruleLocation)
        }
    }

    /// A param's value when it is known without evaluating the file (a literal, or a let
    /// standing for one); nil when only lowering knows it (`env(...)`, loop variables,
    /// templates) or the expression is wrong in a way other checks report. A string with
    /// template fields is a string.
    private func staticParamValue(_ expr: Expr, scope: ProductScope) -> Value? {
        let (value, _) = resolveLets(expr)
        switch value {
        case .string(let template, _): return .string(template.literal ?? Self.templateMarker)
        case .integer(let n, _): return .integer(n)
        case .float(let d, _): return .float(d)
        case .bool(let b, _): return .bool(b)
        case .list: return .list([])
        default: return nil
        }
    }

    private mutating func checkRuleInputs(_ product: ProductDecl, _ signature: RuleSignature, at ruleLocation: SourceLocation) {
        let kind = signature.kind
        let known = signature.inputs.map(\.name)
        var given: Set<String> = []
        var suggested: Set<String> = []
        for input in product.inputs where !input.orderOnly {
            guard let id = input.name else {
                error("rule '\(kind)' takes named inputs (as in input \(known.first ?? "NAME") = ...); its inputs are: \(DidYouMean.list(known)); use 'after' to order the build without an input",
                      at: input.value.location)
                continue
            }
            given.insert(id.name)
            guard let spec = signature.input(id.name) else {
                let near = DidYouMean.suggestion(for: id.name, among: known)
                if let near { suggested.insert(near) }
                error("unknown input '\(id.name)' for rule '\(kind)'\(near.map { " (did you mean '\($0)'?)" } ?? ""); its inputs are: \(DidYouMean.list(known))",
                      at: id.location)
                continue
            }
            let (value, _) = resolveLets(input.value)
            if spec.count == .one, case .list(let items, _) = value, items.count != 1 {
                error("input '\(id.name)' of rule '\(kind)' is one path (\(spec.meaning)), found a list of \(items.count)",
                      at: input.value.location)
            }
            if spec.pathsOnly, let producer = producerName(of: input.value) {
                error("input '\(id.name)' of rule '\(kind)' is \(spec.count == .one ? "a file path" : "file paths") (\(spec.meaning)), not a product: '\(producer)' would give its outputs",
                      at: input.value.location)
            } else if !spec.producers.isEmpty, let producer = producerName(of: input.value), let decl = products[producer],
               let producerKind = ruleKind(of: decl), producerKind != "shell", !spec.producers.contains(producerKind) {
                let wanted = spec.producers.map { "'\($0)'" }.joined(separator: " or ")
                error("input '\(id.name)' of rule '\(kind)' reads what a product of rule \(wanted) writes, but '\(producer)' uses rule '\(producerKind)' (expected \(spec.meaning))",
                      at: input.value.location)
            }
        }
        for spec in signature.inputs where spec.required && !given.contains(spec.name) && !suggested.contains(spec.name) {
            error("rule '\(kind)' needs input '\(spec.name)': \(spec.meaning) (as in input \(spec.name) = ...)", at: ruleLocation)
        }
    }

    private mutating func checkRuleOutputs(_ product: ProductDecl, _ signature: RuleSignature, at ruleLocation: SourceLocation) {
        let kind = signature.kind
        let known = signature.outputs.map(\.name)
        var given: Set<String> = []
        var suggested: Set<String> = []
        for output in product.outputs {
            guard let id = output.name else {
                let what = known.isEmpty ? "no outputs besides its manifest" : "named outputs: \(DidYouMean.list(known))"
                error("rule '\(kind)' writes \(what) (expected output NAME = \"PATH\")", at: output.value.location)
                continue
            }
            given.insert(id.name)
            if signature.output(id.name) == nil {
                let near = DidYouMean.suggestion(for: id.name, among: known)
                if let near { suggested.insert(near) }
                let list = known.isEmpty ? "it has none besides its manifest" : "its outputs are: \(DidYouMean.list(known))"
                error("unknown output '\(id.name)' for rule '\(kind)'\(near.map { " (did you mean '\($0)'?)" } ?? ""); \(list)",
                      at: id.location)
            }
        }
        for spec in signature.outputs where spec.required && !given.contains(spec.name) && !suggested.contains(spec.name) {
            error("rule '\(kind)' needs output '\(spec.name)': \(spec.meaning) (as in output \(spec.name) = \"PATH\")", at: ruleLocation)
        }
        if signature.manifest, product.manifest == nil {
            error("rule '\(kind)' writes a manifest: product '\(product.name.name)' must declare one (as in manifest \"work/{field}.\(kind).tsv\")",
                  at: ruleLocation)
        } else if !signature.manifest, let manifest = product.manifest {
            error("rule '\(kind)' writes no manifest (expected only its outputs: \(DidYouMean.list(known)))", at: manifest.location)
        }
    }

    /// Stands for a string whose value depends on template fields.
    static let templateMarker = "\u{0}template"

    /// The product an input expression names (`spectra`, `spectra[epoch, field]`).
    private func producerName(of expr: Expr) -> String? {
        switch expr {
        case .name(let id, _) where products[id.name] != nil: return id.name
        case .select(let id, _, _, _) where products[id.name] != nil: return id.name
        default: return nil
        }
    }

    /// `shell`, or the rule kind a product names; nil when it names neither correctly.
    func ruleKind(of product: ProductDecl) -> String? {
        guard let rule = product.setting("rule") else { return product.setting("shell") == nil ? nil : "shell" }
        switch rule.value {
        case .name(let id, nil): return id.name
        case .string(let template, _): return template.literal
        default: return nil
        }
    }
}
