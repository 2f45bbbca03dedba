import Astro
import Foundation
import XCTest

/// Every compressed image astropy ships (tile-compressed RICE, GZIP, HCOMPRESS, PLIO, and
/// gzipped files) reads: `arrakis fits header` prints the image's header, and its pixels
/// equal astropy's `fits.getdata`.
final class CompressedImageTests: XCTestCase {
    func testEveryCompressedImageInAstropysDataReadsAsAstropyReadsIt() throws {
        let corpus = try WCSCorpusTests.corpus()
        var images = corpus.cases.filter { $0.compressed == true || $0.file.hasSuffix(".gz") }.map { ($0.file, $0.hdu) }
        var seen = Set<String>()
        images = images.filter { seen.insert("\($0.0) \($0.1)").inserted }
        XCTAssertGreaterThanOrEqual(images.count, 8, "\(images)")
        let dir = try scratchDirectory(self)
        var report: [String] = []
        for (file, hdu) in images {
            let name = (file as NSString).lastPathComponent + "[\(hdu)]"
            // The header: the image's (BITPIX, NAXISn of the image, not of its table).
            let header = try arrakis(["fits", "header", file, "--hdu", String(hdu)], in: dir)
            XCTAssertEqual(header.status, 0, "\(name): \(header.stderr)")
            XCTAssertFalse(header.stdout.contains("ZIMAGE") || header.stdout.contains("TTYPE1"), "\(name): the table's cards: \(header.stdout.prefix(400))")
            // The pixels.
            let out = dir + "/pixels.f8"
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["python3", repositoryRoot + "/Tests/CLITests/Support/astropy_pixels.py", file, String(hdu), out]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            let shapeText = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            if p.terminationStatus == 3 { throw XCTSkip("astropy is missing") }
            XCTAssertEqual(p.terminationStatus, 0, name)
            let shape = shapeText.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let theirs = try Data(contentsOf: URL(fileURLWithPath: out)).withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
            let f = try FITSFile.open(file)
            try f.moveTo(hdu: hdu)
            XCTAssertEqual(try f.imageShape(), shape, name)
            let ours = try f.readImage(as: Double.self).values
            XCTAssertEqual(ours.count, theirs.count, name)
            var differing = 0
            for (a, b) in zip(ours, theirs) where !(a == b || (a.isNaN && b.isNaN)) { differing += 1 }
            XCTAssertEqual(differing, 0, "\(name): \(differing) of \(ours.count) pixels differ from astropy's")
            report.append("\(name): \(shape), \(ours.count) pixels equal")
        }
        print("compressed images:\n  " + report.joined(separator: "\n  "))
    }
}
