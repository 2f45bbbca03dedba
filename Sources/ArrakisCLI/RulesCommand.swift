import ArgumentParser
import Rules

/// `arrakis rules [KIND...]`: what each built-in rule takes (params, inputs, outputs, loop
/// variables) and writes, from the declarations the Arrakisfile is checked against.
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Describe the built-in rules: their params, inputs, outputs and what they write.",
        discussion: CommandExamples.rules)

    @Argument(help: "Rule kinds to describe (default: all).")
    var kinds: [String] = []

    @Flag(help: "Print the Markdown reference docs/pipeline.md holds (with its markers).")
    var markdown = false

    func run() throws {
        let catalog = PipelineRules.catalog
        for k in kinds where catalog[k] == nil {
            fail(CLIError("no built-in rule '\(k)' (rules: \(catalog.kinds.joined(separator: ", ")))"))
        }
        let text = kinds.isEmpty
            ? RuleReference.markdown(catalog, order: PipelineRules.order)
            : kinds.map { RuleReference.markdown(catalog[$0]!) }.joined(separator: "\n")
        printOut(markdown ? RuleReference.begin + "\n\n" + text + "\n" + RuleReference.end + "\n" : text)
    }
}
