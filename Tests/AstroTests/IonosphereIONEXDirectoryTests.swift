import Foundation
import XCTest
@testable import Astro

/// Finding each day's IONEX file, and downloading it from a local HTTP server.
final class IonosphereIONEXDirectoryTests: XCTestCase {
    private let day8 = UTCDay(year: 2020, dayOfYear: 8)

    func testCandidateNames() {
        let names = IONEXDirectory.candidateNames(prefix: "codg", day: day8)
        XCTAssertEqual(Array(names.prefix(6)), ["CODG0080.20I", "CODG0080.20I.Z", "CODG0080.20I.gz",
                                                "codg0080.20i", "codg0080.20i.Z", "codg0080.20i.gz"])
        XCTAssertEqual(Array(names[6..<12]), [
            "COD0OPSFIN_20200080000_01D_01H_GIM.INX", "COD0OPSFIN_20200080000_01D_01H_GIM.INX.gz",
            "COD0OPSFIN_20200080000_01D_01H_GIM.INX.Z", "COD0OPSFIN_20200080000_01D_02H_GIM.INX",
            "COD0OPSFIN_20200080000_01D_02H_GIM.INX.gz", "COD0OPSFIN_20200080000_01D_02H_GIM.INX.Z"])
        XCTAssertEqual(names[12], "COD0OPSRAP_20200080000_01D_01H_GIM.INX")
        XCTAssertEqual(names.count, 18)
        XCTAssertTrue(IONEXDirectory.candidateNames(prefix: "igsg", day: UTCDay(year: 2024, dayOfYear: 349))
            .contains(IONEXFiles.igsDay349))
        XCTAssertEqual(IONEXDirectory.candidateNames(prefix: "CODG", day: UTCDay(year: 2009, dayOfYear: 45))[4], "codg0450.09i.Z")
    }

    func testURLTemplate() {
        XCTAssertEqual(IONEXDirectory.url(template: "https://host/CODE/{yyyy}/{PREFIX}{ddd}0.{yy}I.Z", prefix: "codg", day: day8),
                       "https://host/CODE/2020/CODG0080.20I.Z")
        XCTAssertEqual(IONEXDirectory.url(template: "ftp://h/{yyyy}/{ddd}/{prefix}{ddd}0.{yy}i.Z", prefix: "CODG", day: day8),
                       "ftp://h/2020/008/codg0080.20i.Z")
        XCTAssertEqual(IONEXDirectory.url(template: "https://h/{yyyy}/{ddd}/{AC}0OPSFIN_{yyyy}{ddd}0000_01D_02H_GIM.INX.gz",
                                          prefix: "igsg", day: UTCDay(year: 2024, dayOfYear: 349)),
                       "https://h/2024/349/" + IONEXFiles.igsDay349)
    }

    func testExistingFilesFirstMatchWins() throws {
        let directory = TemporaryDirectory("ionex-dir")
        let store = IONEXDirectory(directory: directory.path)
        assertIONEXError(try store.path(for: day8), directory.path, "no IONEX file for 2020-01-08 (day 008)",
                         "looked for CODG0080.20I or codg0080.20i [.Z|.gz], COD0OPS{FIN|RAP}_20200080000_01D_{01H|02H}_GIM.INX [.gz|.Z]",
                         "set a download URL (ionex_url)")
        let long = directory.file("COD0OPSFIN_20200080000_01D_01H_GIM.INX.gz")
        _ = FileManager.default.createFile(atPath: long, contents: Data([1]))
        XCTAssertEqual(try store.path(for: day8), long)
        let lower = directory.file("codg0080.20i.Z")
        try FileManager.default.copyItem(atPath: IONEXFiles.path(IONEXFiles.codeDay8), toPath: lower)
        XCTAssertEqual(try store.path(for: day8), lower)
        try FileManager.default.createDirectory(atPath: directory.file("CODG0080.20I"), withIntermediateDirectories: false)
        XCTAssertEqual(try store.path(for: day8), lower, "a directory is not a file")
        _ = FileManager.default.createFile(atPath: directory.file("CODG0080.20I.gz"), contents: Data([1]))
        XCTAssertEqual(try store.path(for: day8), directory.file("CODG0080.20I.gz"))
    }

    func testDownloadFromALocalServer() throws {
        let served = TemporaryDirectory("ionex-served")
        try FileManager.default.createDirectory(atPath: served.file("CODE/2020"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: IONEXFiles.path(IONEXFiles.codeDay8), toPath: served.file("CODE/2020/CODG0080.20I.Z"))
        try FileManager.default.copyItem(atPath: IONEXFiles.path(IONEXFiles.codeDay9), toPath: served.file("CODE/2020/day009.bin"))
        let server = try LocalHTTPServer(root: served)
        let target = TemporaryDirectory("ionex-download")
        let directory = target.file("maps/ionex")  // created on demand

        let store = IONEXDirectory(directory: directory, urlTemplate: server.baseURL + "/CODE/{yyyy}/{PREFIX}{ddd}0.{yy}I.Z")
        let path = try store.path(for: day8)
        XCTAssertEqual(path, directory + "/CODG0080.20I.Z")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)),
                       try Data(contentsOf: URL(fileURLWithPath: IONEXFiles.path(IONEXFiles.codeDay8))))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["CODG0080.20I.Z"], "no temporary left")
        XCTAssertEqual(try IONEXMaps.read(path: path).epochs.count, 25)

        // A URL whose file name is not one we look for: stored under the old name, suffix by content.
        let odd = IONEXDirectory(directory: directory, urlTemplate: server.baseURL + "/CODE/{yyyy}/day{ddd}.bin")
        XCTAssertEqual(try odd.path(for: day8.next), directory + "/codg0090.20i.Z")
        XCTAssertEqual(try odd.path(for: day8.next), directory + "/codg0090.20i.Z", "found the second time")
    }

    func testDownloadFailuresNameTheDayAndTheURL() throws {
        let served = TemporaryDirectory("ionex-served")
        try Data("<html><body>maintenance</body></html>\n".utf8).write(to: URL(fileURLWithPath: served.file("codg0080.20i.Z")))
        try FileManager.default.copyItem(atPath: IONEXFiles.path(IONEXFiles.codeDay9), toPath: served.file("codg0070.20i.Z"))
        let server = try LocalHTTPServer(root: served)
        let target = TemporaryDirectory("ionex-download")
        let template = server.baseURL + "/{prefix}{ddd}0.{yy}i.Z"
        let store = IONEXDirectory(directory: target.path, urlTemplate: template)

        // 404: said, and not retried.
        var started = Date()
        let missingURL = server.baseURL + "/codg0100.20i.Z"
        assertIONEXError(try store.path(for: UTCDay(year: 2020, dayOfYear: 10)), target.path,
                         "no IONEX file for 2020-01-10 (day 010)", "downloading \(missingURL) failed: HTTP status 404")
        XCTAssertLessThan(Date().timeIntervalSince(started), 2)

        // A 200 whose body is not IONEX: refused, nothing left behind.
        assertIONEXError(try store.path(for: day8), "2020-01-08 (day 008)", server.baseURL + "/codg0080.20i.Z",
                         "is not a readable IONEX file", "not an IONEX file", "<html>")
        // The maps of another day.
        assertIONEXError(try store.path(for: UTCDay(year: 2020, dayOfYear: 7)), "have none on 2020-01-07 (day 007)")
        XCTAssertEqual(target.listing(), [], "no partial or rejected file under any name")

        // Connection refused: fails fast, even with the default three attempts.
        let closedPort = try LocalHTTPServer.freePort()
        let refused = IONEXDirectory(directory: target.path, urlTemplate: "http://127.0.0.1:\(closedPort)/{prefix}{ddd}0.{yy}i.Z")
        started = Date()
        assertIONEXError(try refused.path(for: day8), "no IONEX file for 2020-01-08 (day 008)",
                         "downloading http://127.0.0.1:\(closedPort)/codg0080.20i.Z failed", "3 attempts")
        let elapsed = Date().timeIntervalSince(started)
        print("connection refused: 3 attempts failed in \(String(format: "%.2f", elapsed)) s")
        XCTAssertLessThan(elapsed, 5)
        XCTAssertEqual(target.listing(), [])
    }

    /// A server that accepts the connection and never answers: each attempt times out.
    func testTimeoutPerAttempt() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(listen(fd, 8), 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let target = TemporaryDirectory("ionex-timeout")
        let store = IONEXDirectory(directory: target.path, urlTemplate: "http://127.0.0.1:\(port)/{prefix}{ddd}0.{yy}i.Z",
                                   timeout: 1, retries: 2)
        let started = Date()
        assertIONEXError(try store.path(for: day8), "2020-01-08 (day 008)", "timed out after 1.0 s", "2 attempts")
        let elapsed = Date().timeIntervalSince(started)
        print("silent server: 2 attempts of 1 s timed out in \(String(format: "%.2f", elapsed)) s")
        XCTAssertGreaterThan(elapsed, 1.9)
        XCTAssertLessThan(elapsed, 8)
        XCTAssertEqual(target.listing(), [])
    }
}
