import Foundation
import Synchronization
import TestServers
import Testing
@testable import Store

/// The recorder and its spool without a server: a store that cannot be reached, then one
/// that can.
@Suite struct HistoryRecorderTests {
    final class Warnings: Sendable {
        let lines = Mutex<[String]>([])
        func add(_ s: String) { lines.withLock { $0.append(s) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// A server that is not there: a loopback port nothing listens on.
    func downLocation() throws -> HistoryLocation {
        try HistoryLocation("postgresql://postgres@127.0.0.1:\(try LoopbackSocket(listening: false).port)/history")
    }

    @Test func unreachableStoreSpoolsEverythingAndSaysSoOnce() throws {
        let dir = TemporaryDirectory("spool")
        let down = try downLocation()
        let warnings = Warnings()
        let run = HistoryFixtures.run("20251124-120000-dddd", outcome: .running)
        var openError: HistoryError?
        do { _ = try down.open() } catch { openError = error }
        #expect(openError?.isTransient == true)
        let attempts = Atomic<Int>(0)
        let recorder = HistoryRecorder(history: nil, openError: openError,
                                       opener: { () throws(HistoryError) in
                                           attempts.add(1, ordering: .relaxed)
                                           return try down.open()
                                       },
                                       spool: HistorySpool(directory: dir.path, runID: run.id),
                                       policy: .init(batchInterval: 0.02, firstRetry: 0.01, maxRetry: 0.05),
                                       warn: { warnings.add($0) })
        recorder.record(run)
        let tasks = HistoryFixtures.tasks(run.id)
        for (i, t) in tasks.enumerated() {
            // Each record in a batch of its own, each batch after another reconnection attempt.
            let tried = attempts.load(ordering: .relaxed)
            recorder.record(t)
            #expect(Poll.until { recorder.currentSummary.spooled == i + 2 && attempts.load(ordering: .relaxed) > tried },
                    "task \(i) spooled after another attempt to reconnect")
        }
        var finished = run
        finished.end(.succeeded, counts: run.counts)
        recorder.record(finished)
        let summary = recorder.close()
        #expect(summary.spooled == 5 && summary.written == 0 && summary.lost == 0 && summary.storeWasDown)
        #expect(warnings.all.count == 1)
        #expect(warnings.all.first?.contains("cannot reach the history server \(down)") == true)

        // The next writer that reaches a store replays the spool into it, then removes it.
        let sqlite = try HistoryLocation(dir.file("history.db")).open()
        let spool = HistorySpool(directory: dir.path, runID: "next")
        #expect(!spool.isEmpty)
        #expect(try spool.replay(into: sqlite) == 5)
        #expect(spool.isEmpty)
        #expect(try sqlite.run(matching: run.id) == finished)
        #expect(try sqlite.tasks(ofRun: run.id) == tasks)
    }

    @Test func storeThatReturnsGetsTheSpoolFirst() throws {
        let dir = TemporaryDirectory("spool")
        let sqlitePath = dir.file("history.db")
        let available = Atomic<Bool>(false)
        let down = try downLocation()
        let opener: HistoryRecorder.Opener = { () throws(HistoryError) in
            available.load(ordering: .relaxed) ? try HistoryLocation(sqlitePath).open() : try down.open()
        }
        let warnings = Warnings()
        let run = HistoryFixtures.run("20251124-130000-eeee")
        let recorder = HistoryRecorder(history: nil, openError: .unreachable(location: "test", detail: "down"), opener: opener,
                                       spool: HistorySpool(directory: dir.path + "/spool", runID: run.id),
                                       policy: .init(batchInterval: 0.02, firstRetry: 0.01, maxRetry: 0.02),
                                       warn: { warnings.add($0) })
        let tasks = HistoryFixtures.tasks(run.id)
        recorder.record(run)
        recorder.record(tasks[0])
        #expect(Poll.until { recorder.currentSummary.spooled == 2 }, "\(recorder.currentSummary)")
        available.store(true, ordering: .relaxed)
        // It reconnects (backoff at most 0.02 s) and replays the spool.
        #expect(Poll.until { recorder.currentSummary.replayed == 2 }, "\(recorder.currentSummary)")
        recorder.record(tasks[1])
        recorder.record(tasks[2])
        let summary = recorder.close()
        #expect(summary.replayed == 2 && summary.written == 2 && summary.lost == 0, "\(summary)")
        #expect(warnings.all.count == 1)
        let h = try HistoryLocation(sqlitePath).open()
        #expect(try h.tasks(ofRun: run.id) == tasks)
        #expect(HistorySpool(directory: dir.path + "/spool", runID: "x").isEmpty)
    }

    @Test func truncatedLastLineIsSkipped() throws {
        let dir = TemporaryDirectory("spool")
        let spool = HistorySpool(directory: dir.path, runID: "r1")
        try spool.append(runs: [HistoryFixtures.run("r1")], tasks: HistoryFixtures.tasks("r1"))
        spool.close()
        let file = dir.file("r1.jsonl")
        let handle = FileHandle(forWritingAtPath: file)!
        handle.seekToEndOfFile()
        handle.write(Data("{\"task\":{\"runID\":\"r1\",\"prod".utf8))  // a write cut by kill -9
        try handle.close()
        let h = try HistoryLocation(dir.file("h.db")).open()
        #expect(try HistorySpool(directory: dir.path, runID: "r2").replay(into: h) == 4)
        #expect(try h.tasks(ofRun: "r1").count == 3)
    }

    @Test func fileOfALiveRunIsLeftAlone() throws {
        let dir = TemporaryDirectory("spool")
        let live = HistorySpool(directory: dir.path, runID: "live")
        try live.append(runs: [HistoryFixtures.run("live")], tasks: [])
        let h = try HistoryLocation(dir.file("h.db")).open()
        #expect(try HistorySpool(directory: dir.path, runID: "other").replay(into: h) == 0)
        #expect(try h.recentRuns(limit: 5).isEmpty)
        live.close()
        #expect(try HistorySpool(directory: dir.path, runID: "other").replay(into: h) == 1)
    }
}
