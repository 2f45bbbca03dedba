/// Checks of a product's single-valued settings (`shell`, `rule`, `cpus`, `mem`, ...).
extension Checker {
    mutating func checkSettings(_ product: ProductDecl, scope: ProductScope) {
        let name = product.name.name
        var seen: [String: SourceLocation] = [:]
        for setting in product.settings {
            let key = setting.key.name
            if let first = seen[key] {
                error("duplicate '\(key)' in product '\(name)' (first at line \(first.line); expected each setting once)",
                      at: setting.key.location)
                continue
            }
            seen[key] = setting.key.location
            checkSetting(setting, scope: scope)
        }
        if let shell = seen["shell"], let rule = seen["rule"] {
            let second = (shell.line, shell.column) > (rule.line, rule.column) ? shell : rule
            error("product '\(name)' has both 'shell' and 'rule' (expected exactly one of them)", at: second)
        } else if seen["shell"] == nil, seen["rule"] == nil {
            error("product '\(name)' has neither 'shell' nor 'rule' (expected exactly one, e.g. shell \"wc -w {input} > {output}\")",
                  at: product.name.location)
        }
        if seen["shell"] == nil, let rule = product.setting("rule"), let kind = ruleKind(of: product),
           let signature = rules[kind] {
            // The rule's signature says which outputs and manifest it needs.
            checkRuleUse(product, signature, at: rule.value.location, scope: scope)
        } else if product.outputs.isEmpty, product.manifest == nil {
            error("product '\(name)' has no 'output' or 'manifest' (expected at least one, e.g. output \"results/{file.stem}.txt\")",
                  at: product.name.location)
        }
    }

    private mutating func checkSetting(_ setting: Setting, scope: ProductScope) {
        let key = setting.key.name
        let context = CheckContext.setting(key)
        let value = setting.value
        switch key {
        case "shell", "description":
            guard case .string(let template, _) = value else {
                let example = key == "shell" ? "shell \"wc -w {input} > {output}\"" : "description \"count words in {file.name}\""
                return error("'\(key)' must be a string (as in \(example)), found \(Checker.describe(value))", at: value.location)
            }
            checkTemplate(template, in: context.fieldScope, scope: scope)
        case "rule":
            let kind: String
            switch value {
            case .name(let n, nil):
                kind = n.name
            case .string(let template, _) where template.literal != nil:
                kind = template.literal!
            default:
                error("'rule' must be a rule name or a plain string (as in rule cutouts), found \(Checker.describe(value))",
                      at: value.location)
                return
            }
            let known = rules.kinds
            if !known.contains(kind) {
                let hint = DidYouMean.suggestion(for: kind, among: known).map { "did you mean '\($0)'? " } ?? ""
                error("unknown rule '\(kind)' (\(hint)expected a built-in rule: \(known.joined(separator: ", ")); or use shell \"...\")",
                      at: value.location)
            }
        case "cpus", "mem", "time":
            guard let found = staticValue(value, context: context, scope: scope) else { return }
            checkResource(ResourceSetting(rawValue: key)!, found, at: value.location, product: scope.name)
        case "retries":
            guard let found = staticValue(value, context: context, scope: scope) else { return }
            if case .integer(let n, _) = found, n >= 0 { return }
            error("'retries' must be an integer >= 0 (as in retries 2), found \(Checker.describe(found))", at: value.location)
        case "account", "partition", "qos":
            guard let found = staticValue(value, context: context, scope: scope) else { return }
            if case .string(let template, _) = found, let text = template.literal, !text.isEmpty,
               !text.contains(where: { $0 == " " || $0 == "\t" }) { return }
            error("'\(key)' must be one word in quotes (as in \(key) \"work\"), found \(Checker.describe(found))", at: value.location)
        case "version":
            guard let found = staticValue(value, context: context, scope: scope) else { return }
            switch found {
            case .integer: return
            case .string(let template, _) where template.literal != nil: return
            default:
                error("'version' must be an integer or a plain string (as in version 2), found \(Checker.describe(found))",
                      at: value.location)
            }
        default:
            checkExpression(value, in: context, scope: scope)
        }
    }

    /// The value a setting stands for once lets are followed, or nil when it is only known
    /// at run time (`env(...)`, a loop variable) or is an unknown name (reported here).
    private mutating func staticValue(_ value: Expr, context: CheckContext, scope: ProductScope) -> Expr? {
        let (resolved, viaLet) = resolveLets(value)
        switch resolved {
        case .call(let id, let arguments, _) where id.name == "env":
            if viaLet == nil { checkEnv(id, arguments, in: context, scope: scope) }
            return nil
        case .call(let id, _, _) where id.name == "int" || id.name == "float" || id.name == "str":
            if viaLet == nil { checkExpression(value, in: context, scope: scope) }
            return nil
        case .name(let id, nil) where viaLet == nil && scope.isLoopVariable(id.name):
            // Settings are one value for the whole product; lowering could not evaluate it.
            error("\(context.description) is one value for every instance of product '\(scope.name)', so it cannot be the loop variable '\(id.name)' (expected a value, a let or env(...))",
                  at: value.location)
            return nil
        case .name where viaLet == nil:
            // An unknown name or a product: the name check reports it.
            checkExpression(value, in: context, scope: scope)
            return nil
        default:
            return resolved
        }
    }

    /// Parses a resource's literal value once: records the amount for lowering, or reports it.
    private mutating func checkResource(_ resource: ResourceSetting, _ found: Expr, at location: SourceLocation,
                                        product: String) {
        let literal: ResourceSetting.Literal
        switch found {
        case .integer(let n, _): literal = .integer(n)
        case .string(let template, _) where template.literal != nil: literal = .string(template.literal!)
        default: literal = .other
        }
        if let amount = resource.amount(literal) {
            resources[product, default: [:]][resource] = amount
        } else {
            error(resource.refusal(found: Checker.describe(found)), at: location)
        }
    }
}
