import Foundation
@testable import Astro

/// Runs `astropy_wcs.py` (next to this file): astropy's celestial WCS transforms for
/// a batch of points, in one Python process.
enum Astropy {
    /// Nil when `python3 -c 'import astropy, numpy'` works, otherwise why it does not.
    static let unavailable: String? = {
        do {
            let result = try run(["-c", "import astropy, numpy"], input: Data())
            if result.status == 0 { return nil }
            return "python3 cannot import astropy and numpy (\(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))"
        } catch {
            return "cannot run python3: \(error)"
        }
    }()

    static let installHint = "run scripts/install-deps.sh --test to install python3, astropy and numpy"

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("astropy_wcs.py").path

    struct Result: Decodable {
        /// (lon, lat) of each pix2world point, nil where astropy gives NaN.
        var world: [[Double]?]
        /// 0-based (x, y) of each world2pix point, nil where astropy gives NaN.
        var pixels: [[Double]?]
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// astropy's pixel → world for `pix2world` and world → pixel for `world2pix`
    /// (origin 0), with the header's cards.
    static func transform(header: FITSHeader, pix2world: [(x: Double, y: Double)],
                          world2pix: [(ra: Double, dec: Double)]) throws -> Result {
        let cards = header.cards.filter { !$0.isCommentary && $0.value != nil }
            .map { "[\(json($0.keyword)), \(json($0.value!))]" }
        let request = """
            {"cards": [\(cards.joined(separator: ", "))],
             "pix2world": [\(pix2world.map { "[\($0.x), \($0.y)]" }.joined(separator: ", "))],
             "world2pix": [\(world2pix.map { "[\($0.ra), \($0.dec)]" }.joined(separator: ", "))]}
            """
        let result = try run([script], input: Data(request.utf8))
        guard result.status == 0 else {
            throw Failure(description: "astropy_wcs.py exited with \(result.status): \(result.stderr)")
        }
        return try JSONDecoder().decode(Result.self, from: result.stdout)
    }

    private static func json(_ string: String) -> String {
        "\"" + string.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private static func json(_ value: FITSValue) -> String {
        switch value {
        case .string(let s): return json(s)
        case .integer(let i): return String(i)
        case .real(let d): return "\(d)"  // shortest round-trip form
        case .logical(let b): return b ? "true" : "false"
        case .raw(let r): return json(r)
        }
    }

    /// Runs python3 with `arguments`, stdin from `input`; stdout and stderr go through
    /// temporary files so neither pipe can fill up and block.
    static func run(_ arguments: [String], input: Data) throws
        -> (status: Int32, stdout: Data, stderr: String)
    {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("astropy-wcs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in.json")
        let outURL = directory.appendingPathComponent("out.json")
        let errURL = directory.appendingPathComponent("err.txt")
        try input.write(to: inURL)
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (process.terminationStatus, try Data(contentsOf: outURL), stderr)
    }
}
