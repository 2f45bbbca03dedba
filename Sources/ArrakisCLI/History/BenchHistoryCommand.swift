import ArgumentParser
import Foundation
import Store
import Synchronization

/// `arrakis bench-history` (hidden; bench/history.sh drives it): many concurrent producers
/// record task records at a steady rate through one `HistoryRecorder`, then the store is
/// read back to check that every record arrived.
struct BenchHistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-history", abstract: "Load test of run history (bench/history.sh).", shouldDisplay: false)

    @OptionGroup var history: HistoryOptions
    @Option(help: "Task records per second, in total.") var rate = 100.0
    @Option(help: "How long to record.") var seconds = 600.0
    @Option(help: "Concurrent producers (threads), each a stream of task records.") var producers = 100
    @Option(help: "Then queue this many records at once and time how fast they are written.") var burst = 0
    @Option(help: "Spool directory (default: a temporary one).") var spool: String?

    func validate() throws {
        try OptionRange.check(rate, above: 0, atMost: 1e7, "--rate")
        try OptionRange.check(seconds, above: 0, atMost: 1e7, "--seconds")
        try OptionRange.check(producers, 1...10_000, "--producers")
        try OptionRange.check(burst, 0...100_000_000, "--burst")
    }

    func run() throws {
        do { try bench() } catch { fail(error) }
    }

    private func bench() throws {
        let spoolRoot = spool ?? NSTemporaryDirectory() + "arrakis-bench-history-\(getpid())"
        guard let config = try HistoryConfig.resolve(history, project: nil, stateDirectory: spoolRoot) else {
            throw CLIError("--history off: nothing to measure")
        }
        let location = config.location, credentials = config.credentials
        var run = RunRecord(id: RunRecord.newID(), user: HistorySession.currentUser(), host: "bench", directory: spoolRoot,
                            started: Date(), commandLine: "bench-history", arrakisfileDigest: "", targets: ["bench"],
                            executor: "bench")
        let opener: HistoryRecorder.Opener = { () throws(HistoryError) in try location.open(credentials: credentials) }
        let recorder = HistoryRecorder(history: try? opener(), opener: opener,
                                       spool: HistorySpool(directory: config.spoolDirectory, runID: run.id),
                                       secrets: config.secrets, warn: { printErr($0 + "\n") })
        recorder.record(run)
        printErr("bench-history: \(producers) producers, \(rate) records/s for \(seconds)s into \(location)\n")

        // bench/history.sh samples the server's sessions while this file exists.
        let marker = spoolRoot + "/producing"
        try FileManager.default.createDirectory(atPath: spoolRoot, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: marker, contents: nil)
        let produced = Atomic<Int>(0)
        let start = Date()
        let perProducer = rate / Double(max(1, producers))
        let runID = run.id
        let threads = (0..<max(1, producers)).map { p in
            Thread {
                var k = 0
                while true {
                    // Producer p's k-th record is due at (k + p/producers) / perProducer seconds.
                    let due = (Double(k) + Double(p) / Double(max(1, producers))) / perProducer
                    if due >= seconds { break }
                    let wait = due - Date().timeIntervalSince(start)
                    if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
                    let now = Date()
                    recorder.record(TaskRecord(runID: runID, product: "bench[\(p), \(k)]", family: "bench", attempt: 1,
                                               reason: "never built", fingerprint: String(repeating: "0", count: 32),
                                               status: .succeeded, started: now, ended: now, duration: 0.001,
                                               peakMemoryKB: 1024, host: "bench", exitStatus: 0,
                                               outputs: [.init(path: "bench/\(p)/\(k)", digest: String(repeating: "f", count: 32))]))
                    produced.add(1, ordering: .relaxed)
                    k += 1
                }
            }
        }
        threads.forEach { $0.start() }
        var lastReport = Date()
        while threads.contains(where: { !$0.isFinished }) {
            usleep(100_000)
            if Date().timeIntervalSince(lastReport) >= 10 {
                lastReport = Date()
                let s = recorder.currentSummary
                printErr(String(format: "bench-history: %6.0fs produced %d, written %d, spooled %d, replayed %d\n",
                                Date().timeIntervalSince(start), produced.load(ordering: .relaxed), s.written, s.spooled, s.replayed))
            }
        }
        unlink(marker)
        let producedCount = produced.load(ordering: .relaxed)
        run.end(.succeeded, counts: .init(planned: producedCount, built: producedCount))
        recorder.record(run)
        let summary = recorder.close()
        let elapsed = Date().timeIntervalSince(start)

        usleep(500_000)  // the writer's session ends on the server before the reader's starts
        let reader = try location.open(credentials: credentials)
        let stored = try reader.tasks(ofRun: runID).count
        printOut(String(format: "history bench: %d producers, %.0fs: produced %d task records, stored %d, missing %d; %.1f records/s; spooled %d, replayed %d, lost %d; writer connections opened %d; run %@\n",
                        producers, elapsed, producedCount, stored, producedCount - stored, Double(stored) / elapsed,
                        summary.spooled, summary.replayed, summary.lost, summary.connections, runID))
        if burst > 0 { try measureBurst(opener: opener, config: config) }
        if stored != producedCount { throw BuildFailed(description: "\(producedCount - stored) record(s) missing") }
    }

    /// Queues `burst` records at once and times the writer: its capacity, not the asked rate.
    private func measureBurst(opener: @escaping HistoryRecorder.Opener, config: HistoryConfig) throws {
        let run = RunRecord(id: RunRecord.newID(), user: HistorySession.currentUser(), host: "bench", directory: "",
                            started: Date(), commandLine: "bench-history --burst", arrakisfileDigest: "",
                            targets: ["burst"], executor: "bench", outcome: .succeeded)
        let recorder = HistoryRecorder(history: try opener(), opener: opener,
                                       spool: HistorySpool(directory: config.spoolDirectory, runID: run.id),
                                       warn: { printErr($0 + "\n") })
        let start = Date()
        recorder.record(run)
        for k in 0..<burst {
            recorder.record(TaskRecord(runID: run.id, product: "burst[\(k)]", family: "burst", attempt: 1, reason: "never built",
                                       fingerprint: String(repeating: "0", count: 32), status: .succeeded, started: start,
                                       ended: start, duration: 0.001, host: "bench"))
        }
        let summary = recorder.close()
        let elapsed = Date().timeIntervalSince(start)
        let stored = try opener().tasks(ofRun: run.id).count
        printOut(String(format: "history burst: %d records queued at once, %d stored in %.2fs: %.0f records/s (spooled %d)\n",
                        burst, stored, elapsed, Double(stored) / elapsed, summary.spooled))
    }
}
