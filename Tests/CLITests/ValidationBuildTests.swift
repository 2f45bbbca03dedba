import Astro
import Foundation
import XCTest

/// `arrakis build validation` on a small simulated survey: the plots decode, the report
/// lists them with the catalogue's numbers, and an unchanged rebuild plans nothing.
final class ValidationBuildTests: XCTestCase {
    let environment = ["ARRAKIS_SURVEY": "survey", "ARRAKIS_DATABASE": "sqlite:work/pipeline.db"]
    let plots = ["noise_i", "noise_q", "noise_u", "noise_fdf", "leakage_q", "leakage_u", "leakage_radial", "rm_sky",
                 "rm_histogram", "rm_truth"]

    /// Checks a PNG with Python's zlib and struct (signature, chunk CRCs, the zlib stream and
    /// its Adler-32, the size of the pixel data) and prints "WIDTH HEIGHT".
    static let pngCheck = #"""
    import struct, sys, zlib
    d = open(sys.argv[1], 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat = 8, b''
    while pos < len(d):
        n, = struct.unpack('>I', d[pos:pos + 4]); kind = d[pos + 4:pos + 8]; body = d[pos + 8:pos + 8 + n]
        assert zlib.crc32(kind + body) & 0xffffffff == struct.unpack('>I', d[pos + 8 + n:pos + 12 + n])[0], kind
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10])
        if kind == b'IDAT': idat += body
        pos += 12 + n
    assert len(zlib.decompress(idat)) == h * (1 + w * (3 if ctype == 2 else 4))
    print(w, h)
    """#

    func pngSize(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", Self.pngCheck, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "python3 rejects \(path)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func plan(_ target: String, in dir: String) throws -> DryRunPlan {
        let r = try arrakis(["build", "--dry-run", "--json", target], in: dir, environment: environment)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try JSONDecoder().decode(DryRunPlan.self, from: Data(r.stdout.utf8))
    }

    func testValidationPlotsDecodeTheReportListsThemAndARebuildPlansNothing() throws {
        // Also: a new truth table replans validation alone, no truth table still builds, and
        // an unknown plot is named.
        let dir = try scratchDirectory(self)
        let sim = try arrakis(["simulate", "survey", "--ionosphere", "--fields", "2", "--epochs", "1", "--beams", "4",
                               "--sources", "20", "--channels", "12", "--npix", "64"], in: dir)
        XCTAssertEqual(sim.status, 0, sim.stderr)
        try FileManager.default.copyItem(atPath: repositoryRoot + "/Arrakisfile", toPath: dir + "/Arrakisfile")

        let build = try arrakis(["build", "-j", "2", "--progress", "plain", "validation"], in: dir, environment: environment)
        XCTAssertEqual(build.status, 0, build.stderr)
        for plot in plots {
            XCTAssertEqual(try pngSize("\(dir)/work/validation/\(plot).png"), "720 540", plot)
        }
        let page = try read(dir + "/work/validation/index.html")
        for plot in plots { XCTAssertTrue(page.contains("<img src=\"\(plot).png\""), "\(plot) not in the report") }
        let rows = try PolarisationCatalogue.readFITS(dir + "/work/catalogue.fits").rowCount
        XCTAssertGreaterThan(rows, 0)
        XCTAssertTrue(page.contains("<tr><th>catalogue rows</th><td>\(rows)</td></tr>"), page)
        XCTAssertTrue(page.contains("<tr><th>rows matched to truth.csv</th><td>\(rows)</td></tr>"), page)
        XCTAssertTrue(page.contains("<code>../catalogue.fits</code>"), page)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/work/validation")
            .filter { $0.contains(".arrakis-tmp") || $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary files")

        XCTAssertEqual(try plan("validation", in: dir).count, 0, "unchanged inputs: nothing to do")
        // A new truth table remakes the validation only.
        let truth = dir + "/survey/truth.csv"
        try write(try read(truth) + "# edited\n", to: truth)
        XCTAssertEqual(try plan("validation", in: dir).products, ["validation"])

        // A survey without truth (a real one) still validates; the report has no truth numbers.
        try FileManager.default.removeItem(atPath: truth)
        let real = try arrakis(["build", "--progress", "plain", "validation"], in: dir, environment: environment)
        XCTAssertEqual(real.status, 0, real.stderr)
        let withoutTruth = try read(dir + "/work/validation/index.html")
        XCTAssertFalse(withoutTruth.contains("rows matched to truth.csv"), withoutTruth)
        XCTAssertTrue(withoutTruth.contains("<img src=\"rm_truth.png\""), withoutTruth)
        XCTAssertEqual(try pngSize(dir + "/work/validation/rm_truth.png"), "720 540")

        // A plot the rule does not know is refused when the Arrakisfile loads, naming the known ones.
        let text = try read(dir + "/Arrakisfile")
        try write(text.replacingOccurrences(of: "    rule validation\n",
                                            with: "    output bogus = \"work/validation/bogus.png\"\n    rule validation\n"),
                  to: dir + "/Arrakisfile")
        let failed = try arrakis(["build", "--progress", "plain", "validation"], in: dir, environment: environment)
        XCTAssertNotEqual(failed.status, 0)
        let line = text.prefix(upTo: text.range(of: "    rule validation\n")!.lowerBound).filter { $0 == "\n" }.count + 1
        XCTAssertTrue(failed.stderr.contains("Arrakisfile:\(line):12: error: unknown output 'bogus' for rule 'validation'; its outputs are: report, noise_i"),
                      failed.stderr)
    }
}
