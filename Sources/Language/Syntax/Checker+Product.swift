/// Checks of one `product` block: its names, fan-outs, inputs, outputs, params and settings.
extension Checker {
    mutating func checkProduct(_ product: ProductDecl) {
        let scope = declareProductNames(product)
        for fanOut in product.fanOuts {
            checkFanOut(fanOut, scope: scope)
        }
        for input in product.inputs {
            checkExpression(input.value, in: .input, scope: scope)
            if input.orderOnly { checkOrderOnly(input.value, scope: scope) }
        }
        for output in product.outputs {
            checkExpression(output.value, in: .output, scope: scope)
        }
        if let manifest = product.manifest {
            checkExpression(manifest, in: .manifest, scope: scope)
        }
        for param in product.params {
            checkExpression(param.value, in: .param, scope: scope)
        }
        checkParamCycles(product)
        checkSettings(product, scope: scope)
    }

    /// Loop variables, params and named inputs/outputs: duplicates and clashes.
    private mutating func declareProductNames(_ product: ProductDecl) -> ProductScope {
        let productName = product.name.name
        var scope = ProductScope(name: productName, hasManifest: product.manifest != nil)
        var bound: [String: SourceLocation] = [:]
        for fanOut in product.fanOuts {
            for variable in fanOut.variables {
                let name = variable.name
                if let first = bound[name] {
                    error("duplicate loop variable '\(name)' in product '\(productName)' (first bound at line \(first.line); expected each loop variable once)",
                          at: variable.location)
                    continue
                }
                bound[name] = variable.location
                scope.loopVariables.append(name)
                if let decl = lets[name] {
                    error("loop variable '\(name)' shadows the let defined at \(decl.name.location) (expected a name that is not a let or a product)",
                          at: variable.location)
                } else if let other = products[name] {
                    error("loop variable '\(name)' shadows the product '\(name)' defined at \(other.name.location) (expected a name that is not a let or a product)",
                          at: variable.location)
                } else if Keywords.shellFields.contains(name) {
                    error("'\(name)' is reserved for shell templates (expected another loop variable name)", at: variable.location)
                }
            }
        }
        var params: [String: SourceLocation] = [:]
        for param in product.params {
            guard let id = param.name else { continue }
            if let first = params[id.name] {
                error("duplicate param '\(id.name)' in product '\(productName)' (first at line \(first.line); expected each param once)",
                      at: id.location)
                continue
            }
            params[id.name] = id.location
            scope.params.append(id.name)
            if bound[id.name] != nil {
                error("param '\(id.name)' has the same name as a loop variable of product '\(productName)' (expected distinct names)",
                      at: id.location)
            } else if let decl = lets[id.name] {
                error("param '\(id.name)' shadows the let defined at \(decl.name.location) (expected a name that is not a let)",
                      at: id.location)
            } else if Keywords.shellFields.contains(id.name) {
                error("'\(id.name)' is reserved for shell templates (expected another param name)", at: id.location)
            }
        }
        scope.namedInputs = uniqueNames(product.inputs, kind: "input", product: productName)
        scope.namedOutputs = uniqueNames(product.outputs, kind: "output", product: productName)
        return scope
    }

    private mutating func uniqueNames(_ items: [NamedExpr], kind: String, product: String) -> [String] {
        var seen: [String: SourceLocation] = [:]
        var names: [String] = []
        for item in items {
            guard let id = item.name else { continue }
            if let first = seen[id.name] {
                error("duplicate \(kind) name '\(id.name)' in product '\(product)' (first at line \(first.line); expected each \(kind) name once)",
                      at: id.location)
                continue
            }
            seen[id.name] = id.location
            names.append(id.name)
        }
        return names
    }
}

extension Checker {
    /// `after` takes a product (`after sources`) or a selection of one (`after sources[epoch]`).
    mutating func checkOrderOnly(_ expr: Expr, scope: ProductScope) {
        switch expr {
        case .select: return
        case .name(let id, nil) where products[id.name] != nil: return
        default:
            error("'after' takes a product or a selection of one (as in after sources[epoch]), found \(Checker.describe(expr))",
                  at: expr.location)
        }
    }
}
