import ArgumentParser
import Foundation
import Graph

struct CleanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean", abstract: "Delete built outputs (of the given families, or all) and forget them.",
        discussion: CommandExamples.clean)

    @OptionGroup var project: ProjectOptions

    @Argument(help: "Families to clean (default: all).")
    var families: [String] = []

    func run() throws {
        do {
            let ws = try Workspace(project)
            var removed = 0
            for t in ws.traces.allTraces() where families.isEmpty || families.contains(t.family) {
                for o in t.outputs {
                    if unlink(o.path) == 0 { removed += 1 }
                    unlink(TemporaryOutput.path(for: o.path))
                }
                ws.traces.remove(key: t.key)
            }
            try ws.traces.sync()
            printErr("arrakis: removed \(removed) output file(s)\n")
        } catch {
            fail(error)
        }
    }
}
