import ArgumentParser
import Exec
import Foundation
import Graph
import Rules
import Store

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Bring targets up to date (families like `wc`, instances like `wc[alpha]`, or output paths).",
        discussion: CommandExamples.build)

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

    @Option(help: "Progress display: a redrawn line (live), one line per finished task (plain), live on a terminal and plain otherwise (auto), or none (quiet).")
    var progress: ProgressReporter.Mode = .auto

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
            for e in p.entries {
                let memory = e.residentMiB.map { now in
                    String(format: "%6d MiB (peak %d)", now, e.peakMiB ?? now)
                } ?? ""
                printErr(String(format: "  %8.3fs  %@  %@\n", e.seconds, memory, e.name))
            }
        }
        if let peak = ResidentMemory.peakMiB() { printErr("  peak resident memory: \(peak) MiB\n") }
    }

    private func runBuild(_ ws: Workspace) throws {
        if printJobScripts != nil && slurm.executor != .slurm { throw CLIError("--print-job-scripts goes with --executor slurm") }
        let dryRun = self.dryRun || printJobScripts != nil
        if json && !dryRun { throw CLIError("--json needs --dry-run") }
        if all && explain == nil { throw CLIError("--all goes with --explain PRODUCT") }
        if let explain { return try explainProduct(explain, ws) }
        if dryRun { return try plan(ws) }

        let engine = try ws.engine(targets: targets, dryRun: false, keepGoing: keepGoing)
        // The process ends right after the build: tearing down a graph of a million
        // products (every path string, array and trace) would cost ~10% of a no-op build
        // for nothing, so the engine is deliberately never released (ninja does the same).
        _ = Unmanaged.passRetained(engine)
        // Run history opens (and reads its duration estimates, a scan of the last runs'
        // tasks) on another thread while the local build is planned: a no-op build needs
        // neither until the end.
        let opening = try openHistory(ws)
        var runTimes = PhaseTimes()
        let planStarted = Date()
        var planError: Error?
        if slurm.executor == .local {
            // The executor starts the engine again: a no-op once planned.
            do { try runTimes.measure("plan") { try engine.start() } } catch { planError = error }
        }
        let session = opening?.value
        let report: BuildReport
        do {
            if let planError { throw planError }
            let executor = try makeExecutor(ws, mode: progress, session: session)
            report = try runTimes.measure("start, run and record") { try executor.run(engine) }
            if let slurmExecutor = executor as? SlurmExecutor, ProcessInfo.processInfo.environment["ARRAKIS_SLURM_STATS"] != nil {
                printErr("arrakis: slurm: \(slurmExecutor.sbatchCalls) sbatch call(s)\n")
            }
        } catch {
            session?.finish(.error, counts: engine.counts)
            throw error
        }
        session?.finish(report.interrupted ? .interrupted : report.succeeded ? .succeeded : .failed, counts: report.counts)
        printTimings([ws.times, engine.times, runTimes])
        // Planning included (done before the executor started, for the local executor).
        let seconds = slurm.executor == .local ? Date().timeIntervalSince(planStarted) : report.seconds
        if progress != .quiet || !report.succeeded { printErr(BuildSummary(report: report, seconds: seconds).text + "\n") }
        if report.interrupted { printErr("arrakis: interrupted; finished products are recorded, rerun to continue\n"); Foundation.exit(130) }
        if !report.problems.isEmpty {
            for p in report.unannounced { printErr("arrakis: error: \(p)\n") }
            throw BuildFailed(description: "\(report.problems.count) product(s) failed" + (keepGoing ? "" : " (use -k to build the rest)"))
        }
    }

    /// `--explain PRODUCT`: why it is or is not out of date.
    private func explainProduct(_ product: String, _ ws: Workspace) throws {
        // The product itself is the target unless others are named: it may be outside
        // the Arrakisfile's `default`.
        let engine = try ws.engine(targets: targets.isEmpty ? [product] : targets, dryRun: true, keepGoing: true)
        try engine.start()
        try engine.flushStores()
        guard let text = engine.explain(product, all: all) else {
            throw CLIError("no product '\(product)' in the graph of these targets")
        }
        printOut(text)
    }

    /// `--dry-run`: what would run and why (and, for SLURM, what would be submitted).
    private func plan(_ ws: Workspace) throws {
        let engine = try ws.engine(targets: targets, dryRun: true, keepGoing: true)
        _ = Unmanaged.passRetained(engine)   // never torn down: see runBuild
        try engine.start()
        try engine.flushStores()
        printTimings([ws.times, engine.times])
        printOut(json ? BuildPlanJSON(engine).text + "\n" : BuildPlanText(engine: engine).text)
        if slurm.executor == .slurm { try previewSubmissions(engine, ws) }
        for p in engine.problems { printErr("arrakis: error: \(p)\n") }
        if !engine.problems.isEmpty { throw BuildFailed(description: "\(engine.problems.count) problem(s) found while planning") }
    }

    /// What would be submitted, from the plan and the settings alone: no cluster needed.
    private func previewSubmissions(_ engine: BuildEngine, _ ws: Workspace) throws {
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

    /// The run history, opened on another thread (nil: history is off).
    private func openHistory(_ ws: Workspace) throws -> BackgroundValue<HistorySession>? {
        let project = ws.project
        let runTargets = targets.isEmpty ? ws.project.defaultTargets : targets
        return try HistoryConfig.resolve(history, project: ws.project, stateDirectory: ws.stateDirectory).map { config in
            BackgroundValue {
                HistorySession(config: config, run: HistorySession.newRun(arguments: CommandLine.arguments, project: project,
                                                                          targets: runTargets))
            }
        }
    }

    /// The executor `--executor` names, told about the run history.
    private func makeExecutor(_ ws: Workspace, mode: ProgressReporter.Mode, session: HistorySession?) throws -> any Executor {
        let estimates = session?.estimates ?? DurationEstimates()
        if slurm.executor == .slurm {
            return SlurmExecutor(options: .init(settings: try slurm.settings(project: ws.project), stateDirectory: ws.stateDirectory,
                                                progress: mode, estimates: estimates),
                                 digests: ws.digests, observer: session)
        }
        return LocalExecutor(options: .init(jobs: jobs, memoryMB: mem, logDirectory: ws.stateDirectory + "/logs",
                                            progress: mode, estimates: estimates),
                             builtins: PipelineRules.registry(), digests: ws.digests, observer: session)
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
