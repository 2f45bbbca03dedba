import Foundation

/// `mongo_test_server.py` (next to this file), started once per test run with a user and
/// password (passed in its environment, never argv). It stops when this process exits: its
/// stdin is a pipe that only this process holds, and it exits on end of file.
public final class MongoTestServer: Sendable {
    public static let user = "arrakis-test"
    public let password = "pw-" + UUID().uuidString
    public let port: Int
    private let stdin: FileHandle

    /// The server for the whole run, or why it could not start.
    public static let shared: Result<MongoTestServer, any Error> = Result { try MongoTestServer() }

    /// A server of its own (empty), for a test that needs database names no other test uses;
    /// it stops when the returned object is released.
    public static func start() throws -> MongoTestServer { try MongoTestServer() }

    public static let installHint = "run scripts/install-deps.sh --test to install python3 with mockupdb, montydb and pymongo"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
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

    deinit { try? stdin.close() }   // end of file: the server exits

    /// The URL to reach it, without the password.
    public var url: String { "mongodb://\(Self.user)@127.0.0.1:\(port)" }
}

