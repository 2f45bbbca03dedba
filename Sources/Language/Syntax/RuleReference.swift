/// The reference of built-in rules as Markdown, made from their signatures: docs/pipeline.md
/// holds it between `<!-- rules: begin -->` and `<!-- rules: end -->` (a test keeps the two
/// equal), and `arrakis rules` prints it.
public enum RuleReference {
    public static let begin = "<!-- rules: begin (made by `arrakis rules --markdown`; do not edit by hand) -->"
    public static let end = "<!-- rules: end -->"

    /// Every rule of `catalog`, in `order` (then any others by name).
    public static func markdown(_ catalog: RuleCatalog, order: [String]) -> String {
        let kinds = order.filter { catalog[$0] != nil } + catalog.kinds.filter { !order.contains($0) }
        return kinds.map { markdown(catalog[$0]!) }.joined(separator: "\n")
    }

    public static func markdown(_ s: RuleSignature) -> String {
        var out = "### `rule \(s.kind)`\n\n"
        out += s.summary.prefix(1).uppercased() + s.summary.dropFirst() + "."
        if s.loopVariables.isEmpty {
            out += " One instance makes it all (no loop variables needed).\n"
        } else {
            out += " The product's loop variables must include "
                + s.loopVariables.map { "`\($0.name)` (\($0.meaning))" }.joined(separator: " and ") + ".\n"
        }
        if !s.params.isEmpty {
            out += "\n| Param | Type | Default | Meaning |\n|---|---|---|---|\n"
            for p in s.params {
                let location = p.outputLocation ? "; *output location*" : ""
                out += "| `\(p.name)` | \(cell(p.type.description)) | \(cell(p.defaultText)) | \(cell(p.meaning))\(location) |\n"
            }
        }
        if !s.inputs.isEmpty {
            out += "\n| Input | Count | Meaning |\n|---|---|---|\n"
            for i in s.inputs {
                let count = (i.required ? "required, " : "optional, ") + (i.count == .one ? "one path" : "any number of paths")
                var from = i.producers.isEmpty ? "" : " From a product of rule " + i.producers.map { "`\($0)`" }.joined(separator: " or ")
                    + " (or a shell product, or a path)."
                if i.pathsOnly { from = " Paths, not a product." }
                out += "| `\(i.name)` | \(count) | \(cell(i.meaning)).\(from) |\n"
            }
        }
        if !s.outputs.isEmpty {
            out += "\n| Output | | Meaning |\n|---|---|---|\n"
            for o in s.outputs { out += "| `\(o.name)` | \(o.required ? "required" : "optional") | \(cell(o.meaning)) |\n" }
        }
        out += "\n" + (s.manifest ? "Declares a `manifest` (required): the table of what it made, which the next stage reads."
                                  : "Declares no `manifest`.") + "\n"
        if !s.writes.isEmpty {
            out += "\nWrites besides its declared outputs (no other product may write the same):\n\n"
            out += s.writes.map { "- " + $0 + "\n" }.joined()
        }
        if !s.retiredParams.isEmpty {
            out += "\nNo longer takes " + s.retiredParams.keys.sorted().map { "`\($0)`" }.joined(separator: ", ")
                + ": \(s.kind) uses its inputs' settings instead.\n"
        }
        return out
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
