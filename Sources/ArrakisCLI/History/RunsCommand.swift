import ArgumentParser
import Foundation
import Store

/// `arrakis runs` (list), `arrakis runs --prune` and `arrakis runs show ID`.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recorded builds (run history), or show one.",
        discussion: CommandExamples.runs,
        subcommands: [RunsList.self, RunsShow.self],
        defaultSubcommand: RunsList.self)
}

/// What every history-reading command shares: where the project and its history are.
struct HistoryReadOptions: ParsableArguments {
    @OptionGroup var project: ProjectOptions
    @OptionGroup var history: HistoryOptions

    func open() throws -> RunHistory {
        let project = try enterProject(self.project, required: false)
        guard let config = try HistoryConfig.resolve(history, project: project, stateDirectory: ".arrakis") else {
            throw CLIError("run history is off (--history off or the Arrakisfile's history block)")
        }
        return try config.openForReading()
    }
}

struct RunsList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the latest runs, newest first.",
                                                    discussion: CommandExamples.runsList)

    @OptionGroup var options: HistoryReadOptions
    @Flag(help: "Print a JSON array of runs.") var json = false
    @Option(help: "How many runs to list.") var limit = 20
    @Flag(help: "Delete old runs and their task records instead of listing (with --keep and/or --older-than).")
    var prune = false
    @Option(help: "With --prune: keep the newest N runs.") var keep: Int?
    @Option(name: .customLong("older-than"), help: "With --prune: delete runs started longer ago than this (30d, 12h, 2w, 90m).")
    var olderThan: String?

    func validate() throws {
        try OptionRange.check(limit, 1...1_000_000, "--limit")
        if let keep { try OptionRange.check(keep, 0...Int(Int32.max), "--keep") }
        if let olderThan, HistoryRetention.age(olderThan) == nil {
            throw ValidationError("--older-than: '\(olderThan)' is not an age such as 30d, 12h, 2w or 90m")
        }
        if prune && keep == nil && olderThan == nil {
            throw ValidationError("--prune needs --keep N and/or --older-than AGE (e.g. --keep 100, --older-than 30d)")
        }
        if !prune && (keep != nil || olderThan != nil) {
            throw ValidationError("--keep and --older-than go with --prune")
        }
    }

    func run() throws {
        do {
            let history = try options.open()
            if prune {
                let retention = HistoryRetention(keep: keep, maximumAge: olderThan.flatMap(HistoryRetention.age))
                let n = try history.prune(retention, now: Date())
                let left = try history.recentRuns(limit: Int(Int32.max)).count
                printOut("pruned \(n) run\(n == 1 ? "" : "s") from \(history.location); \(left) kept\n")
                return
            }
            let runs = try history.recentRuns(limit: limit)
            if json { printOut(try HistoryText.json(runs)); return }
            if runs.isEmpty { printOut("no runs recorded in \(history.location)\n"); return }
            var rows = [["ID", "STARTED", "TIME", "OUTCOME", "BUILT", "FAILED", "UP-TO-DATE", "TARGETS", "BY"]]
            for r in runs {
                rows.append([r.id, HistoryText.time(r.started), HistoryText.seconds(r.seconds), r.outcome.rawValue,
                             String(r.counts.built), String(r.counts.failed), String(r.counts.upToDate),
                             HistoryText.targets(r.targets), "\(r.user)@\(r.host)"])
            }
            printOut(HistoryText.table(rows))
        } catch {
            fail(error)
        }
    }
}

struct RunsShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one run and its tasks (ID: the id, a unique prefix, or 'latest').",
        discussion: CommandExamples.runsShow)

    @OptionGroup var options: HistoryReadOptions
    @Argument(help: "The run's id, a unique prefix of it, or 'latest'.") var id: String
    @Flag(help: "Only the tasks that failed (with their messages and logs).") var failed = false
    @Flag(help: "Print JSON: {run, tasks}.") var json = false

    func run() throws {
        do {
            let history = try options.open()
            let run = try history.run(matching: id)
            var tasks = try history.tasks(ofRun: run.id)
            if failed { tasks = tasks.filter { $0.status != .succeeded } }
            if json {
                struct Shown: Encodable { var run: RunRecord; var tasks: [TaskRecord] }
                printOut(try HistoryText.json(Shown(run: run, tasks: tasks)))
                return
            }
            printOut(Self.describe(run))
            printOut(failed ? "failed tasks (\(tasks.count)):\n" : "tasks (\(tasks.count)):\n")
            guard !tasks.isEmpty else { return }
            if failed {
                for t in tasks {
                    let retried = t.status == .retried ? " (retried)" : ""
                    printOut("  \(t.product) attempt \(t.attempt)\(retried) on \(t.host)\(t.jobID.map { " job \($0)" } ?? ""), \(HistoryText.seconds(t.duration))\n")
                    printOut("    reason: \(t.reason)\n")
                    if let m = t.message { printOut(m.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n") }
                    if let l = t.logPath { printOut("    log: \(l)\n") }
                }
                return
            }
            var rows = [["PRODUCT", "TRY", "STATUS", "TIME", "MEMORY", "REASON"]]
            for t in tasks {
                rows.append([t.product, String(t.attempt), t.status.rawValue, HistoryText.seconds(t.duration),
                             HistoryText.memory(t.peakMemoryKB), t.reason])
            }
            printOut(HistoryText.table(rows).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n")
        } catch {
            fail(error)
        }
    }

    static func describe(_ r: RunRecord) -> String {
        let c = r.counts
        return """
            run \(r.id): \(r.outcome.rawValue)
              started      \(HistoryText.time(r.started))\(r.ended.map { ", ended " + HistoryText.time($0) } ?? "") (\(HistoryText.seconds(r.seconds)))
              by           \(r.user)@\(r.host) in \(r.directory)
              command      \(r.commandLine)
              targets      \(HistoryText.targets(r.targets))
              executor     \(r.executor)
              arrakisfile  \(r.arrakisfileDigest)
              counts       planned \(c.planned), built \(c.built) (\(c.unchanged) with unchanged outputs), up to date \(c.upToDate), failed \(c.failed), skipped \(c.skipped)

            """
    }
}
