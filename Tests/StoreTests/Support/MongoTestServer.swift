import Foundation
import Synchronization
import Store

/// `mongo_test_server.py` (next to this file), started once per test run with a user and
/// password (passed in its environment, never argv). It stops when this process exits: its
/// stdin is a pipe that only this process holds, and it exits on end of file.
final class MongoTestServer: Sendable {
    static let user = "arrakis-test"
    let password = "pw-" + UUID().uuidString
    let port: Int
    private let stdin: FileHandle

    /// The server for the whole run, or why it could not start.
    static let shared: Result<MongoTestServer, any Error> = Result { try MongoTestServer() }

    static let installHint = "run scripts/install-deps.sh --test to install python3 with mockupdb, montydb and pymongo"

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("mongo_test_server.py").path

    private init() throws {
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("mongo-test-server-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let input = Pipe(), output = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script]
        var environment = ProcessInfo.processInfo.environment
        environment["ARRAKIS_TEST_MONGO_USER"] = Self.user
        environment["ARRAKIS_TEST_MONGO_PASSWORD"] = password
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: errURL)
        do { try process.run() } catch { throw Failure(description: "cannot run python3: \(error). \(Self.installHint)") }
        input.fileHandleForReading.closeFile()
        stdin = input.fileHandleForWriting

        // The first line is the port; end of file means the server died (e.g. a missing module).
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.waitUntilExit()
            let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
            let last = stderr.split(separator: "\n").last { !$0.allSatisfy(\.isWhitespace) } ?? "no message"
            throw Failure(description: "mongo_test_server.py did not start (exit \(process.terminationStatus): \(last)); "
                          + Self.installHint)
        }
        self.port = port
    }

    /// The URL to reach it, without the password.
    var url: String { "mongodb://\(Self.user)@127.0.0.1:\(port)" }
}

/// Where the MongoDB tests run: always the test server; also the real server at
/// `ARRAKIS_TEST_MONGODB_URI` when that is set (user and password in the URL).
enum MongoTarget: String, CustomStringConvertible, CaseIterable, Sendable {
    case testServer
    case realServer

    static var all: [MongoTarget] {
        ProcessInfo.processInfo.environment["ARRAKIS_TEST_MONGODB_URI"] == nil ? [.testServer] : [.testServer, .realServer]
    }

    var description: String { rawValue }

    /// The URL and credentials to open; throws (so the test fails) when the test server
    /// cannot run.
    func endpoint() throws -> (url: DatabaseURL, credentials: Credentials) {
        switch self {
        case .testServer:
            let server = try MongoTestServer.shared.get()
            return (try DatabaseURL(server.url), Credentials(username: MongoTestServer.user, password: server.password))
        case .realServer:
            let url = try DatabaseURL(ProcessInfo.processInfo.environment["ARRAKIS_TEST_MONGODB_URI"] ?? "")
            return (url, Credentials(username: url.username, password: url.password))
        }
    }

    func open() throws -> MongoPipelineDatabase {
        let (url, credentials) = try endpoint()
        return try MongoPipelineDatabase(url: url, credentials: credentials)
    }

    /// An epoch no other test of this run uses (random base, so runs against one real
    /// server do not collide either).
    static func freshEpoch() -> Int { epochBase + nextEpoch.add(1, ordering: .relaxed).oldValue }
    private static let epochBase = Int.random(in: 100_000...899_999) * 1000
    private static let nextEpoch = Atomic<Int>(0)
}
