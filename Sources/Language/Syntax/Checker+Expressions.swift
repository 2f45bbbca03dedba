/// Checks of expressions: names, calls, selections and template fields.
extension Checker {
    mutating func checkExpression(_ expr: Expr, in context: CheckContext, scope: ProductScope?) {
        switch expr {
        case .string(let template, _):
            checkTemplate(template, in: context.fieldScope, scope: scope)
        case .integer, .float, .bool:
            if context == .input || context == .output || context == .manifest {
                error("\(context.description) must be a file path (expected a string like \"data/{file}.txt\"), found \(Checker.describe(expr))",
                      at: expr.location)
            }
        case .list(let elements, _):
            for element in elements { checkExpression(element, in: context, scope: scope) }
        case .name(let id, let attribute):
            checkName(id, attribute: attribute, in: context, scope: scope)
        case .call(let id, let arguments, _):
            checkCall(id, arguments, in: context, scope: scope)
        case .select(let id, let selectors, let output, _):
            if context == .input, let scope {
                checkSelection(id, selectors, scope: scope)
                if let output, let product = products[id.name] { checkOutputReference(product, output) }
            } else {
                error("a selection '\(id.name)[...]' can only be used as an input (expected a value in \(context.description))",
                      at: id.location)
            }
        }
    }

    // MARK: Names

    mutating func checkName(_ id: Identifier, attribute: Identifier?, in context: CheckContext, scope: ProductScope?) {
        let name = id.name
        guard let scope, !context.letsOnly else {
            if lets[name] != nil {
                checkPathAttribute(attribute, of: name)
            } else if products[name] != nil {
                error("product '\(name)' cannot be used in \(context.description) (expected a let; only other lets are in scope here)",
                      at: id.location)
            } else {
                error("unknown name '\(name)'\(DidYouMean.hint(for: name, among: letNames)); expected a let (only lets are in scope in \(context.description)): \(Checker.shortList(letNames))",
                      at: id.location)
            }
            return
        }
        if scope.isLoopVariable(name) || lets[name] != nil {
            checkPathAttribute(attribute, of: name)
        } else if let product = products[name] {
            guard context == .input else {
                error("product '\(name)' can only be used as an input (expected a let or a loop variable of product '\(scope.name)' in \(context.description))",
                      at: id.location)
                return
            }
            addDependency(on: name, at: id.location, from: scope)
            if let attribute { checkOutputReference(product, attribute) }
        } else {
            let candidates = scope.loopVariables + letNames + (context == .input ? productNames : [])
            error("unknown name '\(name)'\(DidYouMean.hint(for: name, among: candidates)); expected a let, a loop variable of product '\(scope.name)'\(context == .input ? ", or a product name" : "")",
                  at: id.location)
        }
    }

    /// `product.NAME` or `product[...].NAME`: NAME is one of its named outputs (or its
    /// manifest), and each output declared before it is one path, so that it is found by
    /// position in every instance.
    mutating func checkOutputReference(_ product: ProductDecl, _ output: Identifier) {
        let name = product.name.name
        let outputs = product.outputs.compactMap { $0.name?.name } + (product.manifest != nil ? ["manifest"] : [])
        guard outputs.contains(output.name) else {
            return error("product '\(name)' has no output named '\(output.name)'\(DidYouMean.hint(for: output.name, among: outputs)); expected one of its named outputs: \(DidYouMean.list(outputs))",
                         at: output.location)
        }
        for o in product.outputs {
            if o.name?.name == output.name { break }
            if case .string = o.value { continue }
            return error("output '\(output.name)' of product '\(name)' comes after an output that is not one path (at \(o.value.location)); expected the outputs before it to be single paths, or name the whole product",
                         at: output.location)
        }
    }

    mutating func checkPathAttribute(_ attribute: Identifier?, of name: String) {
        guard let attribute, !Keywords.pathAttributes.contains(attribute.name) else { return }
        error("unknown attribute '\(attribute.name)' on '\(name)'\(DidYouMean.hint(for: attribute.name, among: Keywords.pathAttributes)); expected one of: stem, name, dir, ext",
              at: attribute.location)
    }

    mutating func addDependency(on product: String, at location: SourceLocation, from scope: ProductScope) {
        dependencies[scope.name, default: []].append((product, location))
    }

    // MARK: Templates

    mutating func checkTemplate(_ template: Template, in fieldScope: FieldScope, scope: ProductScope?) {
        for field in template.fields {
            let name = field.name
            var known = lets[name] != nil
            var candidates = letNames
            var expected = "a let"
            if fieldScope != .lets, let scope {
                known = known || scope.isLoopVariable(name) || scope.params.contains(name)
                candidates = scope.loopVariables + scope.params + letNames
                expected = "a loop variable, let, or param"
                if fieldScope == .shell {
                    let extra = scope.hasManifest ? Keywords.shellFields : Keywords.shellFields.filter { $0 != "manifest" }
                    known = known || extra.contains(name)
                    candidates = extra + candidates
                    expected = "a loop variable, let, param, or \(extra.joined(separator: ", "))"
                }
            }
            guard known else {
                let suggestion = DidYouMean.suggestion(for: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
                error("unknown template field '\(name)' (expected \(expected): \(Checker.shortList(candidates))\(suggestion))",
                      at: field.location)
                continue
            }
            guard let attribute = field.attribute else { continue }
            var allowed = Keywords.pathAttributes
            var what = "stem, name, dir, or ext"
            if fieldScope == .shell, let scope, lets[name] == nil, !scope.isLoopVariable(name), !scope.params.contains(name) {
                if name == "input" || name == "inputs" {
                    allowed += scope.namedInputs
                    what = scope.namedInputs.isEmpty ? what : "a named input (\(scope.namedInputs.joined(separator: ", "))) or stem, name, dir, ext"
                } else if name == "output" || name == "outputs" {
                    allowed += scope.namedOutputs
                    what = scope.namedOutputs.isEmpty ? what : "a named output (\(scope.namedOutputs.joined(separator: ", "))) or stem, name, dir, ext"
                }
            }
            if !allowed.contains(attribute) {
                let suggestion = DidYouMean.suggestion(for: attribute, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                error("unknown attribute '\(attribute)' in template field '{\(name).\(attribute)}' (expected \(what)\(suggestion))",
                      at: field.location)
            }
        }
    }

    // MARK: Calls

    mutating func checkCall(_ id: Identifier, _ arguments: [Expr], in context: CheckContext, scope: ProductScope?) {
        switch id.name {
        case "env":
            checkEnv(id, arguments, in: context, scope: scope)
        case "glob":
            guard context == .letValue || context == .input else {
                return notAllowed(id, in: context, allowed: "as an input, in a let, or after 'for ... in'")
            }
            guard let template = checkGlobArguments(id, arguments) else { return }
            // In a let, fields that are not lets are wildcards for a later `for (a, b) in`.
            if context == .input { checkTemplate(template, in: .product, scope: scope) }
        case "range":
            guard context == .letValue || context == .param else {
                return notAllowed(id, in: context, allowed: "after 'for ... in', in a let, or in a param")
            }
            checkRange(id, arguments, in: context, scope: scope)
        case "manifest":
            guard context == .input, let scope else {
                return notAllowed(id, in: context, allowed: "after 'for ... in' or as an input")
            }
            checkManifestCall(id, arguments, scope: scope)
        case "int", "float", "str":
            guard context != .input, context != .output, context != .manifest else {
                return notAllowed(id, in: context, allowed: "in a let, a param, a setting or a 'for' list")
            }
            guard arguments.count == 1 else {
                return arityError(id, arguments.count, expected: "1 (as in \(id.name)(env(\"N\", \"3\")))")
            }
            if case .list = arguments[0] {
                return error("\(id.name)() converts one value, not a list", at: arguments[0].location)
            }
            checkExpression(arguments[0], in: context, scope: scope)
        default:
            error("unknown function '\(id.name)'\(DidYouMean.hint(for: id.name, among: Keywords.functions)); expected one of: \(Keywords.functions.joined(separator: ", "))",
                  at: id.location)
        }
    }

    mutating func notAllowed(_ id: Identifier, in context: CheckContext, allowed: String) {
        error("\(id.name)() cannot be used in \(context.description) (expected it \(allowed))", at: id.location)
    }

    mutating func arityError(_ id: Identifier, _ count: Int, expected: String) {
        error("wrong number of arguments to \(id.name)(): expected \(expected), found \(count)", at: id.location)
    }

    mutating func checkEnv(_ id: Identifier, _ arguments: [Expr], in context: CheckContext, scope: ProductScope?) {
        guard arguments.count == 1 || arguments.count == 2 else {
            return arityError(id, arguments.count, expected: "1 or 2 (a variable name and an optional default, as in env(\"SCRATCH\", \"/tmp\"))")
        }
        if case .string(let template, _) = arguments[0], let name = template.literal, !name.isEmpty {
            _ = name
        } else {
            error("env() expects the environment variable's name as a plain string (as in env(\"SCRATCH\")), found \(Checker.describe(arguments[0]))",
                  at: arguments[0].location)
        }
        if arguments.count == 2 {
            switch arguments[1] {
            case .string, .integer, .float, .bool:
                checkExpression(arguments[1], in: context, scope: scope)
            default:
                error("env() default must be a string, number, or boolean, found \(Checker.describe(arguments[1]))",
                      at: arguments[1].location)
            }
        }
    }

    /// Checks `glob(PATTERN)`'s shape and returns the pattern.
    mutating func checkGlobArguments(_ id: Identifier, _ arguments: [Expr]) -> Template? {
        guard arguments.count == 1 else {
            arityError(id, arguments.count, expected: "1 (a pattern, as in glob(\"data/*.fits\"))")
            return nil
        }
        guard case .string(let template, _) = arguments[0] else {
            error("glob() expects a pattern string (as in glob(\"data/*.fits\")), found \(Checker.describe(arguments[0]))",
                  at: arguments[0].location)
            return nil
        }
        return template
    }

    mutating func checkRange(_ id: Identifier, _ arguments: [Expr], in context: CheckContext, scope: ProductScope?) {
        guard arguments.count == 2 else {
            return arityError(id, arguments.count, expected: "2 (range(first, end) counts first, first+1, ..., end-1)")
        }
        var bounds: [Int] = []
        for argument in arguments {
            let (value, viaLet) = resolveLets(argument)
            switch value {
            case .integer(let number, _):
                bounds.append(number)
            case .call(let fn, let inner, _) where fn.name == "env":
                if viaLet == nil { checkEnv(fn, inner, in: context, scope: scope) }
            case .call(let fn, _, _) where fn.name == "int" || fn.name == "float":
                if viaLet == nil { checkExpression(argument, in: context, scope: scope) }
            case .name where viaLet == nil:
                // Not a let: an unknown name, a product, or (in a param) a loop variable.
                checkExpression(argument, in: context, scope: scope)
            default:
                error("range() expects integers (as in range(0, 36)), found \(Checker.describe(value))",
                      at: argument.location)
            }
        }
        if bounds.count == 2, bounds[0] >= bounds[1] {
            error("range(\(bounds[0]), \(bounds[1])) is empty (expected first < end; range(first, end) counts first, first+1, ..., end-1)",
                  at: id.location)
        }
    }

    /// `manifest(PRODUCT)`: PRODUCT must declare a manifest. Records the dependency.
    mutating func checkManifestCall(_ id: Identifier, _ arguments: [Expr], scope: ProductScope) {
        guard arguments.count == 1 else {
            return arityError(id, arguments.count, expected: "1 (a product name, as in manifest(sources))")
        }
        guard case .name(let product, nil) = arguments[0] else {
            return error("manifest() expects a product name (as in manifest(sources)), found \(Checker.describe(arguments[0]))",
                         at: arguments[0].location)
        }
        guard let decl = products[product.name] else {
            return error("unknown product '\(product.name)'\(DidYouMean.hint(for: product.name, among: productNames)); expected a product that declares a 'manifest'",
                         at: product.location)
        }
        guard decl.manifest != nil else {
            return error("product '\(product.name)' does not declare a 'manifest' (expected a product with a 'manifest \"file.tsv\"' statement)",
                         at: product.location)
        }
        addDependency(on: product.name, at: product.location, from: scope)
    }

    // MARK: Selections

    mutating func checkSelection(_ id: Identifier, _ selectors: [Selector], scope: ProductScope) {
        guard let target = products[id.name] else {
            if lets[id.name] != nil || scope.isLoopVariable(id.name) {
                error("'\(id.name)' is not a product (expected a product name before '[')", at: id.location)
            } else {
                error("unknown product '\(id.name)'\(DidYouMean.hint(for: id.name, among: productNames)); expected a product name before '[': \(Checker.shortList(productNames))",
                      at: id.location)
            }
            return
        }
        addDependency(on: id.name, at: id.location, from: scope)
        let targetVariables = target.fanOuts.flatMap { $0.variables.map(\.name) }
        var seen: Set<String> = []
        for selector in selectors {
            let variable = selector.variable
            if !seen.insert(variable.name).inserted {
                error("duplicate selector '\(variable.name)' in '\(id.name)[...]' (expected each loop variable once)",
                      at: variable.location)
                continue
            }
            if !targetVariables.contains(variable.name) {
                error("product '\(id.name)' has no loop variable '\(variable.name)'\(DidYouMean.hint(for: variable.name, among: targetVariables)); expected one of: \(DidYouMean.list(targetVariables))",
                      at: variable.location)
            } else if selector.value == nil, !scope.isLoopVariable(variable.name) {
                let mine = scope.loopVariables.isEmpty
                    ? "product '\(scope.name)' has no loop variables"
                    : "expected one of its loop variables: \(DidYouMean.list(scope.loopVariables))"
                error("selector '\(variable.name)' is not a loop variable of product '\(scope.name)' (\(mine); to pick instances by value write '\(variable.name) = VALUE')",
                      at: variable.location)
            }
            if let value = selector.value {
                checkExpression(value, in: .selectorValue, scope: scope)
            }
        }
    }

    // MARK: Describing values

    /// "a string", "the number 3", "a list", ... for "found ..." in messages.
    static func describe(_ expr: Expr) -> String {
        switch expr {
        case .string(let template, _):
            if let literal = template.literal { return "\"\(literal)\"" }
            return "a string with template fields"
        case .integer(let value, _): return "\(value)"
        case .float(let value, _): return "\(value)"
        case .bool(let value, _): return "\(value)"
        case .list: return "a list"
        case .name(let id, let attribute): return "'\(id.name)\(attribute.map { "." + $0.name } ?? "")'"
        case .call(let id, _, _): return "\(id.name)(...)"
        case .select(let id, _, _, _): return "a selection '\(id.name)[...]'"
        }
    }
}
