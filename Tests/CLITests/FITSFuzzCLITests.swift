import Foundation
import XCTest

/// The binary itself on damaged FITS files and on every numeric option at 0, -1, 2^31 and
/// 2^63: it never dies of a signal, and a failure is one line naming the file or the option.
/// (FITSFuzzTests in AstroTests runs thousands of damaged files through the same code
/// in-process.)
final class FITSFuzzCLITests: XCTestCase {
    static let seed: UInt64 = 0x434C_4946_5553_5A21   // "CLIFUSZ!"

    /// A damaged copy of `bytes`: a numeric card set to an extreme value, a truncation or
    /// bit flips.
    static func damage(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var out = bytes
        switch rng.next() % 4 {
        case 0, 1:
            let keys = ["NAXIS   ", "NAXIS1  ", "NAXIS2  ", "NAXIS3  ", "BITPIX  ", "CRPIX1  ", "CDELT2  ", "BMAJ    ", "CRVAL2  "]
            let key = Array(keys[Int(rng.next() % UInt64(keys.count))].utf8)
            let values = ["0", "-1", "2147483648", "9223372036854775807", "1E300", "NaN", "'text'"]
            let value = values[Int(rng.next() % UInt64(values.count))]
            var r = 0
            while (r + 1) * 80 <= min(out.count, 2880 * 4) {
                if Array(out[r * 80..<r * 80 + 8]) == key {
                    let card = Array((String(decoding: key, as: UTF8.self) + "= " + String(repeating: " ", count: max(0, 20 - value.count)) + value).utf8)
                    for i in 0..<80 { out[r * 80 + i] = i < card.count ? card[i] : 32 }
                    break
                }
                r += 1
            }
        case 2:
            out = Array(out.prefix(Int(rng.next() % UInt64(out.count))))
        default:
            for _ in 0..<(1 + Int(rng.next() % 6)) {
                let i = Int(rng.next() % UInt64(min(out.count, 5760)))
                out[i] ^= UInt8(1 << (rng.next() % 8))
            }
        }
        return out
    }

    func assertNoCrash(_ r: RunResult, _ what: String, naming name: String) {
        // A signal shows as status > 128 from the shell, or 1xx from Process (uncaught signal).
        XCTAssertTrue([0, 1, 2, 64].contains(r.status), "\(what): exit status \(r.status): \(r.stderr.suffix(300))")
        if r.status != 0 {
            let lines = r.stderr.split(separator: "\n").filter { !$0.hasPrefix("Usage:") && !$0.hasPrefix("  See ") && !$0.hasPrefix("Help:") }
            XCTAssertGreaterThanOrEqual(lines.count, 1, "\(what): no message")
            XCTAssertTrue(lines.first?.contains(name) == true, "\(what): the error does not name \(name): \(r.stderr)")
            XCTAssertTrue(r.stderr.utf8.allSatisfy { $0 == 10 || ($0 >= 32 && $0 < 127) }, "\(what): unprintable bytes: \(r.stderr)")
        }
    }

    func testDamagedFilesThroughTheBinary() throws {
        let dir = try scratchDirectory(self)
        XCTAssertEqual(try arrakis(["simulate", "s", "--fields", "1", "--epochs", "1", "--beams", "1", "--channels", "3",
                                    "--sources", "2", "--npix", "24"], in: dir).status, 0)
        let cube = try FileManager.default.subpathsOfDirectory(atPath: dir + "/s").first { $0.hasSuffix(".fits") && $0.contains("image.restored.i") }!
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/s/" + cube)))
        var rng = SplitMix64(seed: Self.seed)
        for n in 0..<80 {
            try Data(Self.damage(bytes, &rng)).write(to: URL(fileURLWithPath: dir + "/d.fits"))
            assertNoCrash(try arrakis(["fits", "header", "d.fits"], in: dir), "case \(n) header", naming: "d.fits")
            assertNoCrash(try arrakis(["fits", "windows", "d.fits", "--size", "4", "--count", "3"], in: dir), "case \(n) windows", naming: "d.fits")
            try write("1 1\n12 12\n", to: dir + "/xy.txt")
            let p = try arrakisProcess(["fits", "wcs", "d.fits"], in: dir)
            p.standardInput = FileHandle(forReadingAtPath: dir + "/xy.txt")
            let err = Pipe(), out = Pipe()
            p.standardError = err
            p.standardOutput = out
            try p.run()
            let errData = err.fileHandleForReading.readDataToEndOfFile()
            _ = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            XCTAssertEqual(p.terminationReason, .exit, "case \(n) wcs: killed by a signal")
            assertNoCrash(RunResult(status: p.terminationStatus, stdout: "", stderr: String(decoding: errData, as: UTF8.self)),
                          "case \(n) wcs", naming: "d.fits")
        }
    }

    /// Every option that takes a value, of every command, at 0, -1, 2^31 and 2^63: refused
    /// by name or accepted, never a crash.
    func testEveryNumericOptionAtExtremeValues() throws {
        let dir = try scratchDirectory(self)
        try write("product p { output \"p.txt\"; shell \"true > {output}\" }\n", to: dir + "/Arrakisfile")
        try write("1e9 1 0 0 1 1 1\n", to: dir + "/spec.dat")
        let help = try arrakis(["--experimental-dump-help"], in: dir)
        struct Dump: Decodable {
            struct Command: Decodable {
                struct Argument: Decodable {
                    struct Name: Decodable { var kind: String; var name: String }
                    var kind: String
                    var names: [Name]?
                }
                var commandName: String
                var arguments: [Argument]?
                var subcommands: [Command]?
            }
            var command: Command
        }
        let dump = try JSONDecoder().decode(Dump.self, from: Data(help.stdout.utf8))
        // Commands that do lasting or slow work with an accepted value run with a timeout.
        let positional: [String: [String]] = ["fits header": ["x.fits"], "fits windows": ["x.fits"], "fits wcs": ["x.fits"],
                                              "rmsynth": ["spec.dat"], "rmsynth3d": ["q.fits", "u.fits", "--out-prefix", "o3d/x_"],
                                              "simulate": ["sim"], "why": ["p"],
                                              "frion": ["--ra=10", "--dec=-30", "--start=2020-01-08T02:00:00", "--ionex=ionex"]]
        let skip: Set<String> = ["run-task", "bench-history", "init"]   // a worker; a 10-minute bench; a database loader
        var tried = 0
        func walk(_ c: Dump.Command, _ path: [String]) throws {
            let name = path.joined(separator: " ")
            for sub in c.subcommands ?? [] { try walk(sub, path + [sub.commandName]) }
            guard !path.isEmpty, !skip.contains(path[0]) else { return }
            for a in c.arguments ?? [] where a.kind == "option" {
                guard let n = a.names?.first(where: { $0.kind == "long" }) ?? a.names?.first else { continue }
                let flag = (n.kind == "long" ? "--" : "-") + n.name
                if ["history", "history-password-file", "print-job-scripts", "explain", "executor", "file", "progress", "format",
                    "footprint", "fit-function", "weight", "out-prefix", "batch", "password-file", "password", "username"].contains(n.name) || n.name == "C" || n.name == "f" {
                    continue
                }
                for value in ["0", "-1", "2147483648", "9223372036854775808"] {
                    let args = path + (positional[name] ?? []) + ["\(flag)=\(value)"] + (path == ["build"] ? ["--dry-run"] : [])
                    let r = try arrakis(args, in: dir)
                    tried += 1
                    XCTAssertTrue([0, 1, 2, 64].contains(r.status), "\(args): exit status \(r.status): \(r.stderr.suffix(300))")
                    if r.status == 64 {
                        XCTAssertTrue(r.stderr.contains(flag) || r.stderr.contains("'\(n.name)'") || r.stderr.contains(n.name),
                                      "\(args): the message does not name \(flag): \(r.stderr)")
                    }
                    try? FileManager.default.removeItem(atPath: dir + "/sim")
                }
            }
        }
        try walk(dump.command, [])
        XCTAssertGreaterThan(tried, 60)
    }
}
