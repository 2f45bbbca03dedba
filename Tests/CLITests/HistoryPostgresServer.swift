import Foundation
@testable import Store
import XCTest

/// A PostgreSQL server of one test's own (scripts/pg-test-server.sh on a free loopback
/// port), so the test may stop it and start it again. Removed when the test ends.
final class HistoryPostgresServer {
    let directory: String
    let port: Int
    let password: String
    static let database = "arrakis_history"

    /// `postgresql://postgres@127.0.0.1:PORT/arrakis_history` (no password).
    var url: String { "postgresql://postgres@127.0.0.1:\(port)/\(Self.database)" }

    init(_ test: XCTestCase) throws {
        directory = NSTemporaryDirectory() + "arrakis-histpg-\(getuid())-\(UInt32.random(in: 0...UInt32.max))"
        port = try Self.freePort()
        let (status, errors) = Self.script(["start", directory, String(port)])
        if status == 3 { throw XCTSkip(errors) }
        guard status == 0 else { throw NSError(domain: "pg-test-server", code: Int(status), userInfo: [NSLocalizedDescriptionKey: errors]) }
        password = try String(contentsOfFile: directory + "/superuser.pw", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let dir = directory
        test.addTeardownBlock {
            _ = Self.script(["stop", dir])
            try? FileManager.default.removeItem(atPath: dir)
        }
        try connect("postgres").query("CREATE DATABASE \(Self.database)")
    }

    func stop() { XCTAssertEqual(Self.script(["stop", directory]).0, 0) }

    func resume() {
        let (status, errors) = Self.script(["resume", directory, String(port)])
        XCTAssertEqual(status, 0, errors)
    }

    func connect(_ database: String = database) throws -> PostgresConnection {
        try PostgresConnection(parameters: [("host", "127.0.0.1"), ("port", String(port)), ("user", "postgres"),
                                            ("password", password), ("dbname", database)])
    }

    /// Every row of the history tables, as text.
    func dump() throws -> String {
        let c = try connect()
        return try ["runs", "tasks", "schema_version"].map { table in
            try c.query("SELECT * FROM \(table)").rows.map { $0.map { $0 ?? "NULL" }.joined(separator: "|") }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs scripts/pg-test-server.sh with posix_spawn; returns its status and stderr.
    @discardableResult
    static func script(_ arguments: [String]) -> (Int32, String) {
        let script = repositoryRoot + "/scripts/pg-test-server.sh"
        let errors = NSTemporaryDirectory() + "pg-test-server-\(UInt32.random(in: 0...UInt32.max)).err"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let argv = ([script] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, script, &actions, nil, argv, environ) == 0 else { return (127, "cannot run \(script)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
        unlink(errors)
        return ((status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
    }
}

/// Every file under `directory`, read as text (binary files as Latin-1, so any ASCII
/// password inside them still shows).
func allFileContents(under directory: String) -> [(path: String, text: String)] {
    guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
    var out: [(String, String)] = []
    while let relative = walker.nextObject() as? String {
        let path = directory + "/" + relative
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
              let data = FileManager.default.contents(atPath: path) else { continue }
        out.append((path, String(decoding: data, as: UTF8.self) + (String(data: data, encoding: .isoLatin1) ?? "")))
    }
    return out
}
