import Foundation
import XCTest

/// `arrakis fits wcs` against astropy on the headers and FITS files astropy ships (its
/// `wcs/tests/data` and `io/fits` test data): every header astropy accepts converts to the
/// same positions (1e-6 arcsec on a 21 x 21 pixel grid, NaN where astropy gives NaN) and
/// back to the same pixels (1e-6); every header astropy rejects is refused with a message
/// naming the file; arrakis refuses beyond that only a distortion it cannot apply, naming
/// the keyword.
final class WCSCorpusTests: XCTestCase {
    struct Corpus: Decodable {
        var astropy: String
        var cases: [Case]
    }

    struct Case: Decodable {
        var file: String
        var hdu: Int
        var status: String
        var reason: String?
        var celestial: Bool?
        var pixels: [[Double]]?
        var world: [[Double]?]?
        var back: [[Double]?]?
        var oneAxis: Bool?
        var warnings: [String]
        var compressed: Bool?
        enum CodingKeys: String, CodingKey {
            case file, hdu, status, reason, celestial, pixels, world, back, warnings, compressed
            case oneAxis = "one_axis"
        }
        var name: String { (file as NSString).lastPathComponent + "[\(hdu)]" }
    }

    static func corpus() throws -> Corpus {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", repositoryRoot + "/Tests/CLITests/Support/astropy_wcs_corpus.py"]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        if p.terminationStatus == 3 { throw XCTSkip(message) }
        XCTAssertEqual(p.terminationStatus, 0, message)
        return try JSONDecoder().decode(Corpus.self, from: data)
    }

    /// Angle between two positions, arcsec.
    static func separation(_ a: [Double], _ b: [Double]) -> Double {
        let (ra1, de1, ra2, de2) = (a[0] * .pi / 180, a[1] * .pi / 180, b[0] * .pi / 180, b[1] * .pi / 180)
        let h = pow(sin((de2 - de1) / 2), 2) + cos(de1) * cos(de2) * pow(sin((ra2 - ra1) / 2), 2)
        return 2 * asin(min(1, h.squareRoot())) * 180 / .pi * 3600
    }

    /// `fits wcs` on one case: lines in, (values or nil per line) out.
    func convert(_ c: Case, _ lines: [[Double]], toPixel: Bool = false) throws -> (RunResult, [[Double]?]) {
        let dir = try scratchDirectory(self)
        let input = lines.map { "\($0[0]) \($0[1])" }.joined(separator: "\n") + "\n"   // exact doubles
        try write(input, to: dir + "/in.txt")
        var args = ["fits", "wcs", c.file, "--hdu", String(c.hdu), "--json"]
        if toPixel { args.append("--to-pixel") }
        let script = "'" + (try arrakisBinary()) + "' " + args.map { "'\($0)'" }.joined(separator: " ") + " < in.txt"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let r = try runToEnd(p)
        struct Output: Decodable { var ctype: [String]; var rows: [[Double?]] }
        guard r.status == 0, let output = try? JSONDecoder().decode(Output.self, from: Data(r.stdout.utf8)) else { return (r, []) }
        let rows = output.rows.map { row -> [Double]? in
            // A one-axis image: the second value is a placeholder (null).
            if c.oneAxis == true, row.count == 2, let a = row[0] { return [a, toPixel ? 1 : 0] }
            guard row.count == 2, let a = row[0], let b = row[1] else { return nil }
            return [a, b]
        }
        return (r, rows)
    }

    func testArrakisAgreesWithAstropyOnTheHeadersAstropyShips() throws {
        let corpus = try Self.corpus()
        var compared = 0, celestial = 0, report: [String] = []
        for c in corpus.cases {
            switch c.status {
            case "accepted":
                let pixels = try XCTUnwrap(c.pixels), expected = try XCTUnwrap(c.world)
                let (r, rows) = try convert(c, pixels)
                guard r.status == 0 else {
                    // Only a distortion arrakis cannot apply may be refused, by name.
                    XCTAssertTrue(r.stderr.contains("is not supported; refusing the header rather than ignoring the distortion"),
                                  "\(c.name): astropy accepts it, arrakis refused: \(r.stderr)")
                    report.append("\(c.name): refused (\(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines)))")
                    continue
                }
                XCTAssertEqual(rows.count, expected.count, "\(c.name): \(r.stdout.prefix(300))")
                var worst = 0.0
                for (i, (ours, theirs)) in zip(rows, expected).enumerated() {
                    switch (ours, theirs) {
                    case (nil, nil): continue
                    case let (ours?, theirs?):
                        let error = c.celestial == true ? Self.separation(ours, theirs)
                            : max(abs(ours[0] - theirs[0]) / max(1, abs(theirs[0])), abs(ours[1] - theirs[1]) / max(1, abs(theirs[1])))
                        worst = max(worst, error)
                        XCTAssertLessThan(error, c.celestial == true ? 1e-6 : 1e-9, "\(c.name) pixel \(pixels[i]): arrakis \(ours), astropy \(theirs)")
                    default:
                        XCTFail("\(c.name) pixel \(pixels[i]): arrakis \(String(describing: ours)), astropy \(String(describing: theirs))")
                    }
                }
                // And back: the finite positions return to their pixels.
                let back = rows.enumerated().compactMap { i, w in w.map { (i, $0) } }
                let (rb, returned) = try convert(c, back.map(\.1), toPixel: true)
                XCTAssertEqual(rb.status, 0, "\(c.name): \(rb.stderr)")
                // To 1e-6 of the pixel, except where astropy's own way back misses it too (CSC's
                // inverse is an approximation): there, to 1e-6 of astropy's.
                let astropyBack = try XCTUnwrap(c.back)
                var roundTrip = 0.0
                for ((i, _), p) in zip(back, returned) {
                    guard let p else { XCTFail("\(c.name): no pixel back for \(pixels[i])"); continue }
                    var error = max(abs(p[0] - pixels[i][0]), abs(p[1] - pixels[i][1]))
                    if error >= 1e-6, let theirs = astropyBack[i],
                       max(abs(theirs[0] - pixels[i][0]), abs(theirs[1] - pixels[i][1])) >= 1e-6 {
                        error = max(abs(p[0] - theirs[0]), abs(p[1] - theirs[1]))
                    }
                    roundTrip = max(roundTrip, error)
                }
                XCTAssertLessThan(roundTrip, 1e-6, "\(c.name): round trip")
                compared += 1
                if c.celestial == true { celestial += 1 }
                report.append(String(format: "%@: %@, worst %.1e %@, round trip %.1e px", c.name, c.celestial == true ? "celestial" : "linear",
                                     worst, c.celestial == true ? "arcsec" : "(relative)", roundTrip))
            case "rejected":
                let (r, _) = try convert(c, [[1, 1]])
                XCTAssertNotEqual(r.status, 0, "\(c.name): astropy rejects it (\(c.reason ?? "")), arrakis accepted it")
                XCTAssertTrue(r.stderr.hasPrefix("arrakis: error: \(c.file): "), "\(c.name): \(r.stderr)")
                XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)")
                report.append("\(c.name): refused by both (arrakis: \(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines).suffix(120)))")
            default:
                report.append("\(c.name): not read by astropy (\(c.reason ?? ""))")
            }
        }
        print("WCS corpus (astropy \(corpus.astropy)): \(compared) headers compared, \(celestial) celestial\n  "
              + report.joined(separator: "\n  "))
        XCTAssertGreaterThanOrEqual(compared, 60, "too few headers compared")
        XCTAssertGreaterThanOrEqual(celestial, 40)
    }
}
