import ArgumentParser
import Foundation
import Graph

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "Print the product graph (per family, or per instance with --expand).",
        discussion: CommandExamples.graph)

    @OptionGroup var project: ProjectOptions

    @Argument(help: "Only the graph of these targets (default: every product, inside `default` or not).")
    var targets: [String] = []

    @Option(help: "How to print it: an indented tree (text), Graphviz (dot), Mermaid or JSON.")
    var format: GraphExport.Format = .text

    @Flag(help: "One node per product instance instead of per family.")
    var expand = false

    func run() throws {
        var ws: Workspace?
        do {
            let w = try Workspace(project)
            ws = w
            let engine = try w.engine(targets: targets.isEmpty ? w.project.productNames : targets, dryRun: true, keepGoing: true)
            try engine.start()
            try engine.flushStores()
            printOut(GraphExport.render(engine, families: w.project.families, format: format, expand: expand))
        } catch {
            fail(ws?.project.located(error) ?? error)
        }
    }
}
