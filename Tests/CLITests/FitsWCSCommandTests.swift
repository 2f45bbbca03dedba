import Foundation
import XCTest

/// `arrakis fits wcs` as a user runs it: lines in, lines out.
final class FitsWCSCommandTests: XCTestCase {
    /// A 2-D header of 80-character cards (no data), as astropy's .hdr files are.
    func header(_ cards: [String], in dir: String) throws -> String {
        try write(cards.map { $0.padding(toLength: 80, withPad: " ", startingAt: 0) }.joined(), to: dir + "/h.hdr")
        return "h.hdr"
    }

    func run(_ args: [String], input: String, in dir: String) throws -> RunResult {
        try write(input, to: dir + "/in.txt")
        let p = try arrakisProcess(args, in: dir)
        p.standardInput = FileHandle(forReadingAtPath: dir + "/in.txt")
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return RunResult(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    func testPixelsToSkyAndBack() throws {
        let dir = try scratchDirectory(self)
        let file = try header([
            "NAXIS   =                    2", "NAXIS1  =                  100", "NAXIS2  =                  100",
            "CTYPE1  = 'RA---SIN'", "CTYPE2  = 'DEC--SIN'", "CRVAL1  =                 45.0", "CRVAL2  =                -30.0",
            "CDELT1  =                -0.03", "CDELT2  =                 0.03", "CRPIX1  =                 50.0", "CRPIX2  =                 50.0",
        ], in: dir)
        // The reference pixel is the reference point; 1-based by default, 0-based on request.
        let sky = try run(["fits", "wcs", file], input: "50 50\n# a comment\n\n1e6 0\n", in: dir)
        XCTAssertEqual(sky.status, 0, sky.stderr)
        XCTAssertEqual(sky.stdout, "45.0000000000 -30.0000000000\nnan nan\n", "beyond the limb: nan nan")
        XCTAssertEqual(try run(["fits", "wcs", file, "--zero-based"], input: "49 49\n", in: dir).stdout, "45.0000000000 -30.0000000000\n")
        let back = try run(["fits", "wcs", file, "--to-pixel"], input: "45 -30\n225 30\n", in: dir)
        XCTAssertEqual(back.stdout, "50.0000000000 50.0000000000\nnan nan\n", "the antipode does not project")
        let json = try run(["fits", "wcs", file, "--json"], input: "50 50\n1e6 0\n", in: dir)
        XCTAssertEqual(json.stdout, "{\"ctype\":[\"RA---SIN\",\"DEC--SIN\"],\"rows\":[[45.0,-30.0],[null,null]]}\n")
        let bad = try run(["fits", "wcs", file], input: "50 50\nfifty 50\n", in: dir)
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("standard input line 2: expected two numbers, found 'fifty 50'"), bad.stderr)
    }

    func testDescribeAndFixesOfALegacyHeader() throws {
        let dir = try scratchDirectory(self)
        let file = try header([
            "NAXIS   =                    2", "NAXIS1  =                  100", "NAXIS2  =                  100",
            "CTYPE1  = 'RA---NCP'", "CTYPE2  = 'DEC--NCP'", "CRVAL1  =                 45.0", "CRVAL2  =                -30.0",
            "CDELT1  =                -0.03", "CDELT2  =                 0.03", "CRPIX1  =                 50.0", "CRPIX2  =                 50.0",
            "CUNIT1  = 'DEG'", "CUNIT2  = 'DEG'", "PC001001=                  1.0", "PC002002=                  1.0",
        ], in: dir)
        let d = try run(["fits", "wcs", file, "--describe"], input: "", in: dir)
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertTrue(d.stdout.contains("celestial: longitude axis 1, latitude axis 2, projection SIN"), d.stdout)
        XCTAssertTrue(d.stdout.contains("reference point: (45.0000000000, -30.0000000000) deg at pixel (50.000000, 50.000000)"), d.stdout)
        XCTAssertTrue(d.stdout.contains("fixes applied: ") && d.stdout.contains("'RA---NCP' read as 'RA---SIN'"), d.stdout)
        // The fixes are said on standard error when converting, once each.
        let c = try run(["fits", "wcs", file], input: "50 50\n60 60\n", in: dir)
        XCTAssertEqual(c.stdout.split(separator: "\n").count, 2)
        XCTAssertEqual(c.stderr.components(separatedBy: "'RA---NCP' read as 'RA---SIN'").count - 1, 1, c.stderr)
        // Refused, by keyword: a lookup-table distortion, an unreadable WCS card, a file that is not a header.
        try write(try read(dir + "/h.hdr") + "CPDIS1  = 'Lookup'".padding(toLength: 80, withPad: " ", startingAt: 0), to: dir + "/lookup.hdr")
        let lookup = try run(["fits", "wcs", "lookup.hdr"], input: "1 1\n", in: dir)
        XCTAssertEqual(lookup.status, 2)
        XCTAssertEqual(lookup.stderr, "arrakis: error: lookup.hdr: HDU 1: CPDIS1: lookup-table distortion ('Lookup') is not supported; refusing the header rather than ignoring the distortion\n")
        try write(try read(dir + "/h.hdr").replacingOccurrences(of: "CRVAL1  =                 45.0", with: "CRVAL1  = 'forty-five'          "), to: dir + "/text.hdr")
        let text = try run(["fits", "wcs", "text.hdr"], input: "1 1\n", in: dir)
        XCTAssertEqual(text.stderr, "arrakis: error: text.hdr: HDU 1: CRVAL1 'forty-five': wcslib rejected it: a floating-point value was expected\n")
        try write("\u{1}\u{2}binary", to: dir + "/b.hdr")
        XCTAssertEqual(try run(["fits", "wcs", "b.hdr"], input: "", in: dir).stderr,
                       "arrakis: error: b.hdr: neither a FITS file nor a text file of header cards\n")
    }
}
