import ArgumentParser
import Exec
import Foundation
import Graph
import Rules
import Store

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Bring targets up to date (families like `wc`, instances like `wc[alpha]`, or output paths).")

    @OptionGroup var project: ProjectOptions

    @OptionGroup var history: HistoryOptions

    @OptionGroup(title: "Executor") var slurm: SlurmOptions

    @Argument(help: "What to build (default: the Arrakisfile's `default`, else everything).")
    var targets: [String] = []

    @Option(name: .customShort("j", allowingJoined: true), help: "Run N tasks at once (default: number of cores); -j 4 or -j4.")
    var jobs: Int = ProcessorCount.value

    @Option(name: .long, help: "Memory budget in MB shared by running tasks (default: unlimited).")
    var mem: Int = 0

    @Flag(name: [.customShort("k"), .long], help: "Keep building what does not depend on a failure.")
    var keepGoing = false

    @Flag(name: [.customShort("n"), .long], help: "Print what would run and why; run nothing.")
    var dryRun = false

    @Flag(help: "With --dry-run: print one JSON object {count, tasks:[{product, reason}]}.")
    var json = false

    @Option(help: ArgumentHelp("With --executor slurm: write the job scripts a build would submit to DIR, without calling sbatch (implies --dry-run).",
                               valueName: "DIR"))
    var printJobScripts: String?

    @Option(help: "Explain why PRODUCT is or is not out of date (what changed since its last build), then stop.")
    var explain: String?

    @Flag(help: "With --explain: list every parameter and input, not only those that changed.")
    var all = false

    @Option(help: "Progress display: auto, live, plain or quiet.")
    var progress: String = "auto"

    @Flag(help: "Print the time spent in each phase (loading, expanding, evaluating, running).")
    var timings = false

    func validate() throws {
        try OptionRange.check(jobs, 1...4096, "-j")
        try OptionRange.check(mem, 0...Int(Int32.max), "--mem")
    }

    func run() throws {
        // Counter files of killed arrakis processes would make libmongoc warn in a later one.
        MongoCounterFiles.removeStale()
        var ws: Workspace?
        do {
            let w = try Workspace(project)
            ws = w
            try runBuild(w)
        } catch {
            fail(ws?.project.located(error) ?? error)
        }
    }

    private func printTimings(_ phases: [PhaseTimes]) {
        guard timings else { return }
        for p in phases {
            for e in p.entries { printErr(String(format: "  %8.3fs  %@\n", e.seconds, e.name)) }
        }
    }

    private func runBuild(_ ws: Workspace) throws {
        guard slurm.executor == "local" || slurm.executor == "slurm" else {
            throw CLIError("--executor must be local or slurm, not '\(slurm.executor)'")
        }
        if printJobScripts != nil && slurm.executor != "slurm" { throw CLIError("--print-job-scripts goes with --executor slurm") }
        let dryRun = self.dryRun || printJobScripts != nil
        if json && !dryRun { throw CLIError("--json needs --dry-run") }
        if all && explain == nil { throw CLIError("--all goes with --explain PRODUCT") }
        if let explain {
            // The product itself is the target unless others are named: it may be outside
            // the Arrakisfile's `default`.
            let engine = try ws.engine(targets: targets.isEmpty ? [explain] : targets, dryRun: true, keepGoing: true)
            try engine.start()
            try engine.flushStores()
            guard let text = engine.explain(explain, all: all) else {
                throw CLIError("no product '\(explain)' in the graph of these targets")
            }
            printOut(text)
            return
        }
        if dryRun {
            let engine = try ws.engine(targets: targets, dryRun: true, keepGoing: true)
            _ = Unmanaged.passRetained(engine)   // never torn down: see below
            try engine.start()
            try engine.flushStores()
            printTimings([ws.times, engine.times])
            let planned = engine.plannedJobs()
            if json {
                let tasks = planned.map { "{\"product\":\(JSONText.quote($0.key)),\"reason\":\(JSONText.quote($0.reason.description))}" }
                let pending = engine.pendingFamilies.map {
                    "{\"family\":\(JSONText.quote($0.family)),\"waitsFor\":[\($0.waitsFor.map(JSONText.quote).joined(separator: ","))],\"lastKnownCount\":\($0.lastKnownCount)}"
                }
                let groups = engine.newWorkGroups().map { g in
                    "{\"bindings\":{\(g.bindings.map { JSONText.quote($0.variable) + ":" + JSONText.quote($0.value) }.joined(separator: ","))},\"count\":\(g.count),\"families\":[\(g.families.map(JSONText.quote).joined(separator: ","))]}"
                }
                printOut("{\"count\":\(planned.count),\"tasks\":[\(tasks.joined(separator: ","))],\"pending\":[\(pending.joined(separator: ","))],\"new\":[\(groups.joined(separator: ","))]}\n")
            } else {
                let needed = engine.counts.needed
                if planned.isEmpty {
                    printOut("arrakis: nothing to do (\(needed) product\(needed == 1 ? "" : "s") up to date)\n")
                } else {
                    printOut("would build \(planned.count) of \(needed) product\(needed == 1 ? "" : "s"):\n")
                    let width = min(48, planned.map(\.key.count).max() ?? 0)
                    for p in planned {
                        printOut("  " + p.key.padding(toLength: max(width, p.key.count), withPad: " ", startingAt: 0) + "  " + p.reason.description + "\n")
                    }
                }
                let groups = engine.newWorkGroups()
                if !groups.isEmpty && groups.count < planned.count {
                    printOut("new work:\n")
                    for g in groups.prefix(50) { printOut("  " + g.description + "\n") }
                    if groups.count > 50 { printOut("  ... and \(groups.count - 50) more groups\n") }
                }
                for p in engine.pendingFamilies {
                    printOut("  \(p.family): fan-out waits for \(p.waitsFor.joined(separator: ", ")) (last known: \(p.lastKnownCount) instances)\n")
                }
                if engine.recheckedAfterUpstream > 0 {
                    let n = engine.recheckedAfterUpstream
                    printOut("  note: \(n) product\(n == 1 ? "" : "s") up to date now wait\(n == 1 ? "s" : "") on an 'after' upstream that would run; the build checks \(n == 1 ? "it" : "them") again after it\n")
                }
                for f in engine.provisionalFamilies {
                    printOut("  note: \(f) was expanded from the last manifest; it is re-expanded after its provider is rebuilt\n")
                }
            }
            if slurm.executor == "slurm" {
                // What would be submitted, from the plan and the settings alone: no cluster needed.
                let settings = try slurm.settings(project: ws.project)
                // Recorded durations size the elements, as in a build (read only; none: the rules' times).
                let recorded = (try? HistoryConfig.resolve(history, project: ws.project, stateDirectory: ws.stateDirectory))
                    .flatMap { $0 }.flatMap { try? $0.openForReading().meanDurations(overRuns: HistorySession.estimateRuns) }
                let estimates = recorded.map { DurationEstimates($0.mapValues(\.meanSeconds)) } ?? DurationEstimates()
                let preview = SlurmPreview(engine: engine, settings: settings, estimates: estimates, stateDirectory: ws.stateDirectory)
                if !json { printOut(preview.text) }
                if let dir = printJobScripts {
                    let paths = try preview.writeScripts(to: dir)
                    printErr("arrakis: wrote \(paths.count) job script\(paths.count == 1 ? "" : "s") to \(dir) (nothing submitted)\n")
                }
            }
            for e in engine.errors { printErr("arrakis: error: \(e)\n") }
            if !engine.errors.isEmpty { throw BuildFailed(description: "\(engine.errors.count) problem(s) found while planning") }
            return
        }
        let mode: ProgressReporter.Mode
        switch progress {
        case "auto": mode = .auto
        case "live": mode = .live
        case "plain": mode = .plain
        case "quiet": mode = .quiet
        default: throw CLIError("--progress must be auto, live, plain or quiet")
        }
        let engine = try ws.engine(targets: targets, dryRun: false, keepGoing: keepGoing)
        // The process ends right after the build: tearing down a graph of a million
        // products (every path string, array and trace) would cost ~10% of a no-op build
        // for nothing, so the engine is deliberately never released (ninja does the same).
        _ = Unmanaged.passRetained(engine)
        // Run history opens (and reads its duration estimates, a scan of the last runs'
        // tasks) on another thread while the local build is planned: a no-op build needs
        // neither until the end.
        let project = ws.project
        let runTargets = targets.isEmpty ? ws.project.defaultTargets : targets
        let opening = try HistoryConfig.resolve(history, project: ws.project, stateDirectory: ws.stateDirectory).map { config in
            BackgroundValue {
                HistorySession(config: config, run: HistorySession.newRun(arguments: CommandLine.arguments, project: project,
                                                                          targets: runTargets))
            }
        }
        var runTimes = PhaseTimes()
        let planStarted = Date()
        var planError: Error?
        if slurm.executor == "local" {
            // LocalExecutor.run starts the engine again: a no-op once planned.
            do { try runTimes.measure("plan") { try engine.start() } } catch { planError = error }
        }
        let session = opening?.value
        if let planError {
            session?.finish(.error, counts: engine.counts)
            throw planError
        }
        let slurmSettings = slurm.executor == "slurm" ? try slurm.settings(project: ws.project) : nil
        let estimates = session?.estimates ?? DurationEstimates()
        let report: LocalExecutor.Report
        do {
            if let slurmSettings {
                let executor = SlurmExecutor(options: .init(settings: slurmSettings, stateDirectory: ws.stateDirectory,
                                                            progress: mode, estimates: estimates),
                                             digests: ws.digests, observer: session)
                let r = try runTimes.measure("start, run and record") { try executor.run(engine) }
                report = LocalExecutor.Report(counts: r.counts, failures: r.failures, interrupted: r.interrupted, seconds: r.seconds)
                if ProcessInfo.processInfo.environment["ARRAKIS_SLURM_STATS"] != nil {
                    printErr("arrakis: slurm: \(r.sbatchCalls) sbatch call(s)\n")
                }
            } else {
                let executor = LocalExecutor(options: .init(jobs: jobs, memoryMB: mem,
                                                            logDirectory: ws.stateDirectory + "/logs", progress: mode,
                                                            estimates: estimates),
                                             builtins: PipelineRules.registry(), digests: ws.digests, observer: session)
                report = try runTimes.measure("start, run and record") { try executor.run(engine) }
            }
        } catch {
            session?.finish(.error, counts: engine.counts)
            throw error
        }
        session?.finish(report.interrupted ? .interrupted : report.succeeded ? .succeeded : .failed, counts: report.counts)
        printTimings([ws.times, engine.times, runTimes])
        let c = report.counts
        var summary = "arrakis: \(c.built) built"
        if c.unchangedAfterBuild > 0 { summary += " (\(c.unchangedAfterBuild) with unchanged outputs)" }
        summary += ", \(c.upToDate) up to date"
        if c.failed > 0 { summary += ", \(c.failed) failed" }
        if c.skipped > 0 { summary += ", \(c.skipped) skipped" }
        // Planning included (done before the executor started, for the local executor).
        summary += String(format: " in %.2fs", slurm.executor == "local" ? Date().timeIntervalSince(planStarted) : report.seconds)
        if mode != .quiet || !report.succeeded { printErr(summary + "\n") }
        if report.interrupted { printErr("arrakis: interrupted; finished products are recorded, rerun to continue\n"); Foundation.exit(130) }
        if !report.failures.isEmpty {
            for f in report.failures where f.key.isEmpty { printErr("arrakis: error: \(f.message)\n") }
            throw BuildFailed(description: "\(report.failures.count) product(s) failed" + (keepGoing ? "" : " (use -k to build the rest)"))
        }
    }
}

/// A value computed on another thread; `value` waits for it.
final class BackgroundValue<T>: @unchecked Sendable {
    private var result: T?
    private let ready = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> T) {
        Thread { [self] in
            result = body()
            ready.signal()
        }.start()
    }

    var value: T {
        ready.wait()
        ready.signal()
        return result!
    }
}
