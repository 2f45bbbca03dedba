/// A string template prepared once per product family: literal text and top-level
/// variables are resolved ahead, loop variables become row positions, and only the
/// remaining fields (parameters, inputs, outputs) are looked up per instance.
package struct CompiledTemplate: Sendable {
    enum Piece: Sendable {
        case text(String)
        /// A loop variable without attribute or format: the row's value as is.
        case plainVariable(Int)
        /// A loop variable with an attribute or a format spec.
        case formattedVariable(Int, TemplateField)
        /// Anything else, resolved per instance by the caller.
        case field(TemplateField)
    }

    let pieces: [Piece]

    package init(_ template: Template, variableIndex: [String: Int], scope: GlobalScope, shadowed: Set<String>) throws {
        var pieces: [Piece] = []
        func appendText(_ s: String) {
            if case .text(let previous)? = pieces.last { pieces[pieces.count - 1] = .text(previous + s) } else { pieces.append(.text(s)) }
        }
        for part in template.parts {
            switch part {
            case .text(let s):
                appendText(s)
            case .field(let f):
                if let i = variableIndex[f.name] {
                    pieces.append(f.attribute == nil && f.format == nil ? .plainVariable(i) : .formattedVariable(i, f))
                } else if !shadowed.contains(f.name), let v = scope.values[f.name] {
                    appendText(try ExpressionEvaluator.format(f, v))
                } else {
                    pieces.append(.field(f))
                }
            }
        }
        self.pieces = pieces
    }

    /// As `render(_:field:)`, with fields written straight into the result.
    package func render(_ row: [Value], appending field: (TemplateField, inout String) throws -> Void) throws -> String {
        if pieces.count == 1, case .text(let s) = pieces[0] { return s }
        var out = ""
        out.reserveCapacity(64)
        for p in pieces {
            switch p {
            case .text(let s): out += s
            case .plainVariable(let i): out += row[i].description
            case .formattedVariable(let i, let f): out += try ExpressionEvaluator.format(f, row[i])
            case .field(let f): try field(f, &out)
            }
        }
        return out
    }

    package func render(_ row: [Value], field: (TemplateField) throws -> String) throws -> String {
        if pieces.count == 1, case .text(let s) = pieces[0] { return s }
        var out = ""
        for p in pieces {
            switch p {
            case .text(let s): out += s
            case .plainVariable(let i): out += row[i].description
            case .formattedVariable(let i, let f): out += try ExpressionEvaluator.format(f, row[i])
            case .field(let f): out += try field(f)
            }
        }
        return out
    }
}
