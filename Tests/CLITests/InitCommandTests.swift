import Foundation
import XCTest

/// `arrakis simulate --catalogue-only` and `arrakis init` from the command line: a sky
/// tiling loads with every island matched, and unreachable servers fail within --timeout.
final class InitCommandTests: XCTestCase {
    func testCatalogueOnlySurveyLoadsAndEveryIslandIsMatched() throws {
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "s", "--catalogue-only", "--footprint", "sky", "--fields", "1500", "--beams", "36",
                               "--sources", "3001", "--epochs", "1"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/s/epoch_0"), "catalogue-only wrote cube directories")
        let islandLines = try String(contentsOfFile: dir + "/s/catalogues/RACS-DR1_islands.csv", encoding: .utf8)
            .split(separator: "\n").count - 1
        let fieldLines = try String(contentsOfFile: dir + "/s/db/epoch_0/field_data.csv", encoding: .utf8)
            .split(separator: "\n").count - 2  // header, failed observation
        XCTAssertGreaterThan(fieldLines, 1400)
        XCTAssertLessThan(fieldLines, 1600)
        XCTAssertTrue(sim.stderr.contains("\(islandLines) islands, 3001 components"), sim.stderr)

        let args = ["init", "sqlite:p.db", "-d", "s", "-i", "s/catalogues/RACS-DR1_islands.csv",
                    "-c", "s/catalogues/RACS-DR1_components.csv", "-l", "-f", "-e", "0", "--json"]
        let r = try arrakis(args, in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        struct Line: Decodable {
            struct Report: Decodable { var islands, components, beams, fields, beam_inf, documents: Int; var match_seconds, rows_per_second: Double }
            var report: Report
        }
        let line = try JSONDecoder().decode(Line.self, from: Data(r.stdout.utf8))
        XCTAssertEqual(line.report.islands, islandLines)
        XCTAssertEqual(line.report.components, 3001)
        // At 1,500 fields the 36 beams of a field are 0.87 deg apart and cover it, so every
        // island is within 1 degree of a beam centre.
        XCTAssertEqual(line.report.beams, islandLines)
        XCTAssertEqual(line.report.fields, fieldLines)
        XCTAssertEqual(line.report.beam_inf, fieldLines * 36)
        XCTAssertEqual(line.report.documents, 2 * islandLines + 3001 + fieldLines * 37)
        XCTAssertGreaterThan(line.report.rows_per_second, 0)

        // Again, with the results of a later stage in the database: the counts stay.
        let again = try arrakis(args, in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        let status = try arrakis(["status", "sqlite:p.db", "--json"], in: dir)
        XCTAssertTrue(status.stdout.contains("\"components\" : 3001"), status.stdout)
    }

    func testUnreachableMongoDBFailsWithinTheTimeout() throws {
        let dir = try scratchDirectory(self)
        let (fd, port) = try silentListener()
        defer { close(fd) }
        for command in ["init", "status"] {
            let start = Date()
            let r = try arrakis([command, "mongodb://127.0.0.1:\(port)", "--timeout", "1"], in: dir)
            let elapsed = Date().timeIntervalSince(start)
            XCTAssertEqual(r.status, 2, r.stderr)
            XCTAssertTrue(r.stderr.contains("127.0.0.1:\(port)"), r.stderr)
            XCTAssertLessThan(elapsed, 4, "\(command) took \(elapsed) s")
        }
        let bad = try arrakis(["status", "mongodb://127.0.0.1:\(port)", "--timeout", "0"], in: dir)
        XCTAssertEqual(bad.status, 64, "a usage error")
        XCTAssertTrue(bad.stderr.contains("--timeout must be a finite number, > 0, <= 3600, not 0.0"), bad.stderr)
    }

    func testUnreachablePostgreSQLFailsWithinTheTimeout() throws {
        let dir = try scratchDirectory(self)
        let (fd, port) = try silentListener()
        defer { close(fd) }
        let start = Date()
        let r = try arrakis(["init", "sqlite:p.db", "-f", "-d", "postgresql://127.0.0.1:\(port)", "--timeout", "2"], in: dir)
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("timeout expired") && r.stderr.contains("127.0.0.1:\(port)"), r.stderr)
        // libpq counts connect_timeout in whole seconds of the wall clock (its deadline is
        // time() + 2), so "2" waits between 1 and 2 s, depending on where in the second it began.
        XCTAssertGreaterThan(elapsed, 0.9, "gave up before the timeout")
        XCTAssertLessThan(elapsed, 5, "took \(elapsed) s")
    }

    /// A loopback TCP socket that listens (the kernel completes connections) and never answers.
    func silentListener() throws -> (Int32, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        guard fd >= 0, bound == 0, listen(fd, 16) == 0 else { throw XCTSkip("cannot listen on loopback") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }
}
