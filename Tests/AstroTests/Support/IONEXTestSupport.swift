import Foundation
import XCTest
@testable import Astro

/// The real IONEX files in Resources/ionex, and independent ways to look into them.
enum IONEXFiles {
    static let codeDay8 = "codg0080.20i.Z"
    static let codeDay9 = "codg0090.20i.Z"
    static let igsDay349 = "IGS0OPSFIN_20243490000_01D_02H_GIM.INX.gz"

    static func path(_ name: String) -> String {
        Bundle.module.url(forResource: "ionex", withExtension: nil)!.appendingPathComponent(name).path
    }

    /// `gzip -dc` of the file (gzip expands Unix compress .Z files too): the reference expansion.
    static func gzipExpanded(_ path: String) throws -> Data {
        let result = try run("/bin/sh", ["-c", "gzip -dc \"$0\"", path])
        guard result.status == 0 else { throw Failure("gzip -dc \(path) failed: \(result.stderr)") }
        return result.stdout
    }

    /// The expansion written to `directory`/`name` (RMextract reads plain text only).
    static func expand(_ name: String, into directory: TemporaryDirectory, as plainName: String) throws -> String {
        let target = directory.file(plainName)
        try gzipExpanded(path(name)).write(to: URL(fileURLWithPath: target))
        return target
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs a program, stdout and stderr through files (no pipe can fill up).
    static func run(_ executable: String, _ arguments: [String], input: Data = Data()) throws
        -> (status: Int32, stdout: Data, stderr: String)
    {
        let directory = TemporaryDirectory("ionex-run")
        let inURL = URL(fileURLWithPath: directory.file("in"))
        let outURL = URL(fileURLWithPath: directory.file("out"))
        let errURL = URL(fileURLWithPath: directory.file("err"))
        try input.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, try Data(contentsOf: outURL), stderr)
    }
}

/// RMextract 0.5.1's `read_tec` and `compute_tec_interpol`, through `rmextract_ionex.py`.
enum RMextract {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("rmextract_ionex.py").path

    /// Nil when python3 can import RMextract, otherwise why not.
    static let unavailable: String? = {
        guard let result = try? IONEXFiles.run("/usr/bin/env", ["python3", "-c", "import RMextract.getIONEX"]) else {
            return "cannot run python3"
        }
        return result.status == 0 ? nil
            : "python3 cannot import RMextract.getIONEX (pip install RMextract==0.5.1): \(result.stderr.suffix(300))"
    }()

    struct Read: Decodable {
        var tec: [Double]
        var shape: [Int]
        var lons: [Double]
        var lats: [Double]
        var times: [Double]
    }

    struct Interpolated: Decodable {
        var tec: [String: [Double]]
        var times: [Double]
    }

    static func read(path: String) throws -> Read {
        try call(["mode": "read", "path": path])
    }

    /// TEC at each (hours of the file's first day, lat, lon) for each earth-rotation factor.
    static func interpolate(path: String, hours: [Double], lats: [Double], lons: [Double],
                            rotations: [Int]) throws -> Interpolated {
        try call(["mode": "interpolate", "path": path, "hours": hours, "lats": lats, "lons": lons,
                  "rotations": rotations])
    }

    private static func call<T: Decodable>(_ request: [String: Any]) throws -> T {
        let input = try JSONSerialization.data(withJSONObject: request)
        let result = try IONEXFiles.run("/usr/bin/env", ["python3", script], input: input)
        guard result.status == 0 else {
            throw IONEXFiles.Failure("rmextract_ionex.py exited with \(result.status): \(result.stderr.suffix(2000))")
        }
        return try JSONDecoder().decode(T.self, from: result.stdout)
    }
}

/// A tiny HTTP server (python3 -m http.server) serving a directory on a free local port, for
/// the download tests; stopped when released.
final class LocalHTTPServer {
    let port: Int
    private let process: Process
    let root: TemporaryDirectory

    init(root: TemporaryDirectory) throws {
        self.root = root
        port = try LocalHTTPServer.freePort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", root.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until it accepts connections (or has exited).
        let process = self.process
        guard waitUntil(timeout: 60, { LocalHTTPServer.accepts(port: port) || !process.isRunning }), process.isRunning else {
            process.terminate()
            throw IONEXFiles.Failure("python3 -m http.server did not start on port \(port)")
        }
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A port nothing listens on right now (the kernel's pick for a socket then closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw IONEXFiles.Failure("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw IONEXFiles.Failure("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// Asserts that `body` throws an IONEXError whose description contains every one of `parts`
/// (and, when given, whose line is `line`); returns the error.
@discardableResult
func assertIONEXError<T>(_ body: @autoclosure () throws -> T, line expectedLine: Int? = nil, _ parts: String...,
                         file: StaticString = #filePath, line: UInt = #line) -> IONEXError? {
    do {
        _ = try body()
        XCTFail("expected an IONEXError containing \(parts)", file: file, line: line)
        return nil
    } catch let error as IONEXError {
        let text = error.description
        for part in parts {
            XCTAssertTrue(text.contains(part), "\(text)\n  does not contain: \(part)", file: file, line: line)
        }
        if let expectedLine {
            XCTAssertEqual(error.line, expectedLine, "wrong line in: \(text)", file: file, line: line)
        }
        XCTAssertFalse(text.contains("\n"), "multi-line error: \(text)", file: file, line: line)
        return error
    } catch {
        XCTFail("expected an IONEXError, got \(type(of: error)): \(error)", file: file, line: line)
        return nil
    }
}
