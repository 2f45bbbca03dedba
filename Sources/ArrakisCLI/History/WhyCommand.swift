import ArgumentParser
import Foundation
import Graph
import Rules
import Store

/// `arrakis why PRODUCT`: provenance of a product's current outputs. Which run built it
/// last and why (run history), from which inputs and parameters (the trace the engine
/// recorded), and whether it is up to date now (the engine's explanation).
struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Say which run built PRODUCT last, why, and from which inputs and parameters.",
        discussion: CommandExamples.why)

    @OptionGroup var project: ProjectOptions
    @OptionGroup var history: HistoryOptions
    @Argument(help: "A product instance (`wc[alpha]`) or one of its output paths.") var product: String
    @Flag(help: "List every parameter and input of its state now, not only those that changed.") var all = false

    func run() throws {
        do { try explain() } catch { fail(error) }
    }

    private func explain() throws {
        let ws = try Workspace(project)
        // The engine names instances and maps output paths to them; a dry run changes nothing.
        let engine = try? ws.engine(targets: [product], dryRun: true, keepGoing: true)
        _ = try? engine?.start()
        let key = try instanceKey(ws, engine)

        var lines: [String] = []
        var record: TaskRecord?
        var run: RunRecord?
        if let config = try HistoryConfig.resolve(history, project: ws.project, stateDirectory: ws.stateDirectory) {
            do {
                let h = try config.openForReading()
                record = try h.lastBuild(of: key)
                if let record { run = try? h.run(matching: record.runID) }
            } catch {
                printErr("arrakis: warning: \(error)\n")
            }
        }
        let trace = ws.traces.trace(forKey: Digest(key))
        if let record {
            let when = run.map { " (\(HistoryText.time($0.started)), \($0.outcome.rawValue))" } ?? ""
            lines.append("\(key) was last built by run \(record.runID)\(when)")
            lines.append("  reason       \(record.reason)")
            lines.append("  fingerprint  \(record.fingerprint)")
            lines.append("  attempt      \(record.attempt) on \(record.host)\(record.jobID.map { " job " + $0 } ?? ""), ended \(HistoryText.time(record.ended)), \(HistoryText.seconds(record.duration)), peak memory \(HistoryText.memory(record.peakMemoryKB))")
            if let run {
                lines.append("  run          \(run.commandLine)  (\(run.user)@\(run.host) in \(run.directory))")
            }
            if let trace, trace.fingerprint.description != record.fingerprint {
                lines.append("  note         the recorded trace has fingerprint \(trace.fingerprint): a build without history recorded it later")
            }
        } else {
            lines.append("\(key): no recorded run built it" + (trace == nil ? "" : " (it was built before run history was kept, or with history off)"))
        }
        if let trace {
            lines.append("built from (the trace recorded then):")
            lines.append("  rule         \(trace.ruleDescription)")
            let values = engine.flatMap { e in e.graph.keyText.firstIndex(of: key).map { e.graph.tasks[$0].params } } ?? []
            if !trace.params.isEmpty {
                lines.append("  parameters")
                let recorded = trace.paramValues.count == trace.params.count ? trace.paramValues : []
                for (i, p) in trace.params.enumerated() {
                    let then = i < recorded.count ? Value.displayText(canonical: recorded[i]) : nil
                    let now = values.first { $0.0 == p.name }?.1
                    var shown = "= " + (then ?? now.flatMap { Digest($0) == p.digest ? Value.displayText(canonical: $0) : nil }
                                        ?? "(value not recorded)")
                    if let now, Digest(now) != p.digest { shown += "   (changed since: now \(Value.displayText(canonical: now)))" }
                    lines.append("    \(p.name) \(shown)")
                }
            }
            if !trace.inputs.isEmpty {
                lines.append("  inputs")
                for i in trace.inputs { lines.append("    \(i.name)  \(i.digest.description.prefix(16))") }
            }
            lines.append("  outputs")
            for o in trace.outputs { lines.append("    \(o.path)  \(o.digest.description.prefix(16))") }
        }
        if let now = engine?.explain(key, all: all) {
            lines.append("now:")
            lines.append(contentsOf: now.split(separator: "\n").map { "  " + $0 })
        }
        printOut(lines.joined(separator: "\n") + "\n")
        if record == nil && trace == nil && engine?.explain(key) == nil {
            throw CLIError("no product '\(product)' in this project or its history")
        }
    }

    /// The instance key text for the argument: an instance as the engine writes it, or the
    /// product an output path belongs to.
    private func instanceKey(_ ws: Workspace, _ engine: BuildEngine?) throws -> String {
        switch try ws.project.targets([product]).first {
        case .instance(let k): return k.description
        case .output(let path):
            if let e = engine, let id = e.graph.instance(forOutput: path) { return e.graph.keyText[id] }
            throw CLIError("'\(product)' is neither a product instance nor an output of one")
        case .family(let f) where ws.traces.trace(forKey: Digest(f)) != nil
            || engine.map { e in e.graph.instances(of: f).contains { e.graph.keyText[$0] == f } } == true:
            return f  // a product with one instance and no key values: its key is its name
        case .family(let f), .matching(let f, _):
            let some = ws.traces.allTraces().filter { $0.family == f }.prefix(3).map(\.key)
            throw CLIError("'\(product)' names many products; ask about one instance\(some.isEmpty ? "" : ", e.g. " + some.joined(separator: ", "))")
        case nil:
            throw CLIError("name a product instance")
        }
    }
}
