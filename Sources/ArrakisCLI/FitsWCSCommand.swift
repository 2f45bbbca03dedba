import ArgumentParser
import Astro
import Foundation

/// `arrakis fits wcs FILE`: pixel ↔ world through the file's WCS, as wcstools' xy2sky and
/// sky2xy do: lines "x y" on standard input, "lon lat" out (or the reverse with --to-pixel).
struct FitsWCSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wcs",
        abstract: "Convert pixels to world coordinates (or back) through a FITS header's WCS (wcslib).",
        discussion: """
            Reads lines "x y" from standard input (FITS 1-based pixels unless --zero-based) and \
            prints "lon lat" in degrees, 10 decimals, for the image's celestial axes (or its first \
            two axes when it has none); every other axis is at its reference pixel. A point outside \
            the projection's domain prints "nan nan". --to-pixel reads "lon lat" and prints "x y". \
            FILE is a FITS file (any HDU, tile-compressed or gzipped) or a text file of header cards.
            """ + CommandExamples.fitsWCS)

    @Argument(help: "FITS file, or a text file of header cards (.hdr).") var file: String
    @Option(help: ArgumentHelp("HDU number (1 = primary).", valueName: "N")) var hdu: Int = 1
    @Flag(help: "Pixels are 0-based (astropy's origin 0) instead of FITS's 1-based.") var zeroBased = false
    @Flag(help: "Convert world coordinates (lon lat) to pixels.") var toPixel = false
    @Flag(help: "Print {\"ctype\": [...], \"rows\": [[...], ...]}, numbers in full precision (null where undefined).") var json = false
    @Flag(help: "Print what wcslib understood (axes, projection, reference, matrix, distortions, fixes) and stop.") var describe = false

    func validate() throws {
        guard (1...99_999).contains(hdu) else { throw ValidationError("--hdu must be from 1 to 99999, not \(hdu)") }
        if describe && (toPixel || json) { throw ValidationError("--describe goes alone") }
    }

    func run() throws {
        do {
            let wcs = try ImageWCS.read(file, hdu: hdu)
            for fix in wcs.fixes { printErr("arrakis: \(file): wcslib fixed the header: \(fix)\n") }
            if describe {
                printOut(wcs.summary)
                return
            }
            var points: [(Double, Double)] = []
            var lineNumber = 0
            while let line = readLine() {
                lineNumber += 1
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
                if fields.isEmpty || fields[0].hasPrefix("#") { continue }
                guard fields.count >= 2, let a = Double(fields[0]), let b = Double(fields[1]) else {
                    throw ValidationError("standard input line \(lineNumber): expected two numbers, found '\(Self.printable(line))'")
                }
                points.append((a, b))
            }
            let rows = toPixel ? wcs.pixels(points, zeroBased: zeroBased) : wcs.worlds(points, zeroBased: zeroBased)
            if json {
                let names = toPixel ? ["x", "y"] : [wcs.ctype[wcs.worldAxes.0], wcs.ctype[wcs.worldAxes.1]]
                // Every digit that matters: the shortest text that reads back as the same double.
                func number(_ v: Double) -> String { v.isFinite ? "\(v)" : "null" }
                let body = rows.map { "[\(number($0.0)),\(number($0.1))]" }.joined(separator: ",")
                printOut("{\"ctype\":[\(names.map { "\"\($0)\"" }.joined(separator: ","))],\"rows\":[\(body)]}\n")
            } else {
                var out = ""
                for r in rows {
                    out += r.0.isFinite && r.1.isFinite ? String(format: "%.10f %.10f\n", r.0, r.1)
                        : r.0.isFinite && wcs.axes.x == wcs.axes.y ? String(format: "%.10f nan\n", r.0) : "nan nan\n"
                }
                printOut(out)
            }
        } catch {
            fail(error)
        }
    }

    /// A line shown in a message: control bytes as \u{..}.
    static func printable(_ s: String) -> String {
        String(s.unicodeScalars.prefix(80).map { $0.value < 32 || $0.value == 127 ? "?" : Character($0) })
    }
}
