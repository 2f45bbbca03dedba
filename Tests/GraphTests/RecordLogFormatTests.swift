import Foundation
@testable import Graph
import XCTest

/// The format header of record logs: newer versions refused, older ones started afresh,
/// headerless (pre-header) logs given a header in place; compaction's crash states.
final class RecordLogFormatTests: XCTestCase {
    func trace(_ n: Int, _ version: String = "1") -> Trace {
        Trace(key: "k[\(n)]", family: "k", fingerprint: Digest("x\(version)"), rule: Digest("r"), ruleDescription: "r v1",
              outputs: [], params: [NamedDigest("p", Digest(version))], inputs: [NamedDigest("in", Digest("i\(n)"))])
    }

    func header(_ magic: String, _ version: UInt32) -> Data {
        var d = Data(magic.utf8)
        withUnsafeBytes(of: version.littleEndian) { d.append(contentsOf: $0) }
        return d
    }

    func testNewHeaderStartsTheFile() throws {
        let box = try Sandbox()
        let (_, traces) = try box.stores()
        traces.record(trace(1))
        try traces.sync()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ".arrakis/traces.log"))
        XCTAssertEqual(bytes.prefix(12), header("ARKTRACE", 1))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ".arrakis/digests.log")).prefix(12), header("ARKDIGST", 1))
        XCTAssertNil(traces.notice)
    }

    func testNewerVersionIsAClearError() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: ".arrakis", withIntermediateDirectories: true)
        try (header("ARKTRACE", 7) + Data(repeating: 1, count: 40)).write(to: URL(fileURLWithPath: ".arrakis/traces.log"))
        XCTAssertThrowsError(try TraceStore(path: ".arrakis/traces.log")) { error in
            XCTAssertEqual(error as? RecordLogError,
                           .newerFormat(path: ".arrakis/traces.log", kind: "trace log", found: 7, supported: 1))
            let text = "\(error)"
            XCTAssertTrue(text.contains(".arrakis/traces.log") && text.contains("version 7") && text.contains("version 1")
                          && text.contains("delete"), text)
        }
        // Refused, and left untouched.
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ".arrakis/traces.log")).count, 52)
        _ = box
    }

    func testAnotherKindOfLogIsRefused() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: ".arrakis", withIntermediateDirectories: true)
        try header("ARKDIGST", 1).write(to: URL(fileURLWithPath: ".arrakis/traces.log"))
        XCTAssertThrowsError(try TraceStore(path: ".arrakis/traces.log")) { error in
            XCTAssertEqual(error as? RecordLogError, .foreignFormat(path: ".arrakis/traces.log", kind: "trace log"))
        }
        _ = box
    }

    func testOlderVersionIsStartedAfreshWithAMessage() throws {
        let box = try Sandbox()
        do {
            let (_, traces) = try box.stores()
            traces.record(trace(1))
            try traces.sync()
        }
        // The same records under a version-0 header: an older format with no migration.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: ".arrakis/traces.log"))
        bytes.replaceSubrange(0..<12, with: header("ARKTRACE", 0))
        try bytes.write(to: URL(fileURLWithPath: ".arrakis/traces.log"))
        let traces = try TraceStore(path: ".arrakis/traces.log")
        XCTAssertEqual(traces.notice, ".arrakis/traces.log: trace log format version 0 is older than this arrakis's 1; started it afresh")
        XCTAssertNil(traces.trace(forKey: Digest("k[1]")))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ".arrakis/traces.log")), header("ARKTRACE", 1))
        _ = box
    }

    func testHeaderlessLegacyLogGetsAHeaderAndKeepsItsRecords() throws {
        let box = try Sandbox()
        do {
            let (_, traces) = try box.stores()
            traces.record(trace(1))
            traces.record(trace(2))
            try traces.sync()
        }
        // What arrakis wrote before headers: the same records, no header.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: ".arrakis/traces.log"))
        try bytes.dropFirst(12).write(to: URL(fileURLWithPath: ".arrakis/traces.log"))
        let traces = try TraceStore(path: ".arrakis/traces.log")
        XCTAssertEqual(traces.notice, ".arrakis/traces.log: trace log had no format header (written by an older arrakis); added one (version 1), keeping its 2 records")
        XCTAssertEqual(traces.trace(forKey: Digest("k[2]")), trace(2))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: ".arrakis/traces.log")), bytes, "header put in front")
        traces.record(trace(3))
        try traces.sync()
        let again = try TraceStore(path: ".arrakis/traces.log")
        XCTAssertNil(again.notice)
        XCTAssertEqual(again.allTraces().count, 3)
        _ = box
    }

    func testTornHeaderIsRewritten() throws {
        let box = try Sandbox()
        try FileManager.default.createDirectory(atPath: ".arrakis", withIntermediateDirectories: true)
        try Data("ARKT".utf8).write(to: URL(fileURLWithPath: ".arrakis/traces.log"))
        let traces = try TraceStore(path: ".arrakis/traces.log")
        traces.record(trace(1))
        try traces.sync()
        XCTAssertEqual(try TraceStore(path: ".arrakis/traces.log").trace(forKey: Digest("k[1]")), trace(1))
        _ = box
    }

    /// Superseded and removed traces are dropped; the latest of each stays, and lookups
    /// through the open store keep working after the rewrite.
    func testCompactionKeepsTheLatestTraceOfEachProduct() throws {
        let box = try Sandbox()
        let (_, traces) = try box.stores()
        for n in 0..<50 { traces.record(trace(n)) }
        try traces.sync()
        XCTAssertFalse(try traces.compactIfWorthIt(), "under the floor")
        for round in 0..<40 { for n in 0..<50 { traces.record(trace(n, "r\(round)")) } }
        traces.remove(key: "k[0]")
        try traces.sync()
        let before = traces.sizes
        XCTAssertTrue(try traces.compactIfWorthIt())
        let after = traces.sizes
        XCTAssertLessThan(after.file, before.file / 10)
        XCTAssertEqual(after.file, after.live)
        XCTAssertEqual(traces.trace(forKey: Digest("k[7]")), trace(7, "r39"))
        traces.record(trace(60))
        try traces.sync()
        let reopened = try TraceStore(path: ".arrakis/traces.log")
        XCTAssertEqual(reopened.sizes.file, reopened.sizes.live)
        XCTAssertEqual(reopened.allTraces().count, 50)
        XCTAssertNil(reopened.trace(forKey: Digest("k[0]")))
        XCTAssertEqual(reopened.trace(forKey: Digest("k[7]")), trace(7, "r39"))
        XCTAssertEqual(reopened.trace(forKey: Digest("k[60]")), trace(60))
        XCTAssertEqual(reopened.count(ofFamily: "k"), 50)
    }

    /// A compaction killed before its rename leaves the old log whole and a partial copy
    /// beside it: the old log is read, the copy removed.
    func testCompactionKilledBeforeItsRenameLeavesTheOldLog() throws {
        let box = try Sandbox()
        do {
            let (_, traces) = try box.stores()
            for n in 0..<10 { traces.record(trace(n)) }
            try traces.sync()
        }
        try (header("ARKTRACE", 1) + Data(repeating: 9, count: 30)).write(to: URL(fileURLWithPath: ".arrakis/traces.log.compact"))
        let traces = try TraceStore(path: ".arrakis/traces.log")
        XCTAssertEqual(traces.allTraces().count, 10)
        XCTAssertFalse(FileManager.default.fileExists(atPath: ".arrakis/traces.log.compact"))
        _ = box
    }

    func testDigestCacheCompactsAtTheEndOfABuild() throws {
        let box = try Sandbox()
        try box.write("f", "0")
        let (cache, _) = try box.stores()
        for round in 0..<600 {
            let sig = FileSignature(device: 1, inode: 2, size: 3, mtimeNs: Int64(round), ctimeNs: 5)
            cache.record(path: "f", signature: sig, digest: Digest("\(round)"), trusted: true)
            cache.record(path: "g\(round % 3)", signature: sig, digest: Digest("\(round)"), trusted: true)
        }
        try cache.save()
        XCTAssertGreaterThan(cache.sizes.file, 32 * 1024, "no compaction without sync")
        try cache.save(sync: true)
        XCTAssertEqual(cache.sizes.file, cache.sizes.live)
        let (reopened, _) = try box.stores()
        XCTAssertEqual(reopened.count, 4)
        XCTAssertEqual(reopened.sizes.file, 12 + 4 * (73 + 12))
    }
}
