/// Checks of `for VARIABLES in SOURCE`.
///
/// A source is a list, `range(a, b)`, `glob("pattern")`, `manifest(PRODUCT)`, or a let that
/// holds one of the first three. With several variables, a list's elements must be lists of
/// that many values, and a glob's `{wildcards}` must be exactly the variables (fields that
/// name lets are substituted, not wildcards).
extension Checker {
    static let fanOutSources = "a list, range(first, end), glob(\"pattern\"), manifest(product), or a let holding one"

    mutating func checkFanOut(_ fanOut: FanOut, scope: ProductScope) {
        let variables = fanOut.variables
        let (source, viaLet) = resolveLets(fanOut.source)
        let inline = viaLet == nil
        let shown = variables.count == 1 ? variables[0].name : "(" + variables.map(\.name).joined(separator: ", ") + ")"
        let at = fanOut.source.location
        switch source {
        case .list(let elements, _):
            if inline {
                for element in elements { checkExpression(element, in: .loopList, scope: nil) }
            }
            guard variables.count > 1 else { return }
            for element in elements {
                guard case .list(let tuple, _) = element, tuple.count == variables.count else {
                    error("'for \(shown)' needs each list element to be a list of \(variables.count) values (as in [[1, \"a\"], [2, \"b\"]]), found \(Checker.describe(element))",
                          at: inline ? element.location : at)
                    return
                }
            }
        case .call(let id, let arguments, _):
            switch id.name {
            case "range":
                if inline { checkRange(id, arguments, in: .letValue, scope: nil) }
                if variables.count > 1 {
                    error("range() gives one value per instance (expected one loop variable, found \(variables.count))",
                          at: variables[1].location)
                }
            case "glob":
                if inline {
                    guard let pattern = checkGlobArguments(id, arguments) else { return }
                    checkWildcards(pattern, variables: variables, at: fanOut.location)
                } else if case .string(let pattern, _)? = arguments.first, arguments.count == 1 {
                    checkWildcards(pattern, variables: variables, at: fanOut.location)
                }
            case "manifest":
                if inline { checkManifestCall(id, arguments, scope: scope) }
            case "env":
                error("cannot loop over env(...) (expected \(Checker.fanOutSources))", at: at)
            default:
                if inline { checkCall(id, arguments, in: .letValue, scope: nil) }
            }
        case .name(let id, _):
            if products[id.name] != nil {
                error("cannot loop over product '\(id.name)' directly (expected \(Checker.fanOutSources), e.g. manifest(\(id.name)))",
                      at: at)
            } else {
                checkExpression(source, in: .loopList, scope: nil)
            }
        case .select(let id, _, _, _):
            error("cannot loop over a selection '\(id.name)[...]' (expected \(Checker.fanOutSources))", at: at)
        case .string, .integer, .float, .bool:
            let what = viaLet.map { "let '\($0)', which is \(Checker.describe(source))" } ?? Checker.describe(source)
            error("cannot loop over \(what) (expected \(Checker.fanOutSources))", at: at)
        }
    }

    /// `for (a, b) in glob("x/{a}/{b}.txt")`: the variables must be the wildcards.
    private mutating func checkWildcards(_ pattern: Template, variables: [Identifier], at location: SourceLocation) {
        var wildcards: [String] = []
        for field in pattern.fields where lets[field.name] == nil {
            if field.attribute != nil || field.format != nil {
                error("glob wildcard '{\(field.name)}' cannot have an attribute or format (expected a plain {\(field.name)})",
                      at: field.location)
                return
            }
            if !wildcards.contains(field.name) { wildcards.append(field.name) }
        }
        let names = variables.map(\.name)
        // One variable and no wildcards binds the whole path.
        if names.count == 1 && wildcards.isEmpty { return }
        if Set(names) != Set(wildcards) || names.count != wildcards.count {
            let expected = wildcards.isEmpty
                ? "one loop variable for the whole path, or {wildcards} in the pattern"
                : "the loop variables to be exactly its wildcards: \(wildcards.joined(separator: ", "))"
            error("loop variables (\(names.joined(separator: ", "))) do not match the glob's wildcards (expected \(expected))",
                  at: variables[0].location)
        }
    }
}
