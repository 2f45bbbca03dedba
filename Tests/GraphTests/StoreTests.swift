import Foundation
import Graph
import XCTest

final class StoreTests: XCTestCase {
    func testRecordLogDropsTornTail() throws {
        let box = try Sandbox()
        do {
            let log = try RecordLog(path: "log", format: .traces)
            log.append([1, 2, 3])
            log.append([4, 5])
            try log.sync()
        }
        // Simulate a crash mid-append: a header promising more bytes than were written.
        let h = FileHandle(forWritingAtPath: "log")!
        h.seekToEndOfFile()
        h.write(Data([200, 0, 0, 0, 9, 9, 9]))
        h.closeFile()
        let log = try RecordLog(path: "log", format: .traces)
        XCTAssertEqual(log.recordCount, 2)
        log.append([6])
        try log.sync()
        XCTAssertEqual(try RecordLog(path: "log", format: .traces).recordCount, 3, "appends after a torn tail stay readable")
        _ = box
    }

    func testRecordLogRejectsCorruptRecord() throws {
        let box = try Sandbox()
        do {
            let log = try RecordLog(path: "log", format: .traces)
            log.append(Array(repeating: 7, count: 100))
            log.append(Array(repeating: 8, count: 100))
            try log.sync()
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "log"))
        bytes[12 + 12 + 100 + 12 + 50] ^= 0xFF // file header, record 1, into record 2
        try bytes.write(to: URL(fileURLWithPath: "log"))
        XCTAssertEqual(try RecordLog(path: "log", format: .traces).recordCount, 1)
        _ = box
    }

    func testDigestCacheAvoidsRereadingAndSeesChanges() throws {
        let box = try Sandbox()
        try box.write("f", "one")
        let (cache, _) = try box.stores()
        let d1 = try cache.digest(of: "f")
        XCTAssertEqual(d1, Digest(Array("one".utf8)))
        try box.write("f", "two")
        XCTAssertEqual(try cache.digest(of: "f"), Digest(Array("two".utf8)))
    }

    /// A file rewritten within the same timestamp tick, with the same size, keeps its stat
    /// signature. The cache must not trust an entry recorded in that tick.
    func testRacyEntryIsRehashed() throws {
        let box = try Sandbox()
        try box.write("f", "aaaa")
        let (cache, _) = try box.stores()
        let fixed = Date(timeIntervalSinceNow: 3600) // a timestamp in the "future" = newer than any stamp
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: "f")
        _ = try cache.digest(of: "f")
        try cache.save()
        // Same size, same mtime forced back: only the content differs (ctime differs too,
        // so force the comparison through a fresh cache that reloads the racy entry).
        try box.write("f", "bbbb")
        try FileManager.default.setAttributes([.modificationDate: fixed], ofItemAtPath: "f")
        let (cache2, _) = try box.stores()
        XCTAssertEqual(try cache2.digest(of: "f"), Digest(Array("bbbb".utf8)))
    }

    /// The real clock the stores use: "now" as the filesystem stamps a change, so never
    /// before the last change of a file written just before, and never going back.
    func testFilesystemClockReadsTheTimeTheFilesystemStampsChangesWith() throws {
        let box = try Sandbox()
        let clock = try FilesystemClock(markerPath: "clock")
        var previous = Int64.min
        for i in 0..<20 {
            try box.write("f\(i)", "x")
            var st = stat()
            XCTAssertEqual(stat("f\(i)", &st), 0)
            let now = clock.now()
            XCTAssertGreaterThanOrEqual(now, FileSignature(st).lastChangeNs)
            XCTAssertGreaterThanOrEqual(now, previous)
            previous = now
        }
    }

    func testTraceStoreSurvivesReopenAndTombstones() throws {
        let box = try Sandbox()
        let (_, traces) = try box.stores()
        let t = Trace(key: "k[1]", family: "k", fingerprint: Digest("x"), rule: Digest("r"), ruleDescription: "r v1",
                      outputs: [], params: [NamedDigest("p", Digest("1"))], inputs: [NamedDigest("in", Digest("i"))])
        traces.record(t)
        try traces.sync()
        let (_, reopened) = try box.stores()
        XCTAssertEqual(reopened.trace(forKey: Digest("k[1]")), t)
        XCTAssertEqual(reopened.count(ofFamily: "k"), 1)
        reopened.remove(key: "k[1]")
        try reopened.sync()
        let (_, again) = try box.stores()
        XCTAssertNil(again.trace(forKey: Digest("k[1]")))
    }

    func testDigestMatchesXxhsum() throws {
        let box = try Sandbox()
        try box.write("f", "hello arrakis\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/xxhsum")
        p.arguments = ["-H2", "f"]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let (d, _) = try FileHasher.hash("f")
        XCTAssertTrue(out.hasPrefix(d.description), "xxhsum: \(out) ours: \(d)")
        _ = box
    }
}
