import Foundation
import XCTest
@testable import Astro

/// The validation report of a constructed catalogue: summary numbers, every plot, the page.
final class ValidationReportTests: XCTestCase {
    func catalogue() throws -> PolarisationCatalogue {
        try PolarisationCatalogue(components: CatalogueFixture.field(count: 40))
    }

    /// Truth with each row's catalogue RM for the first `agreeing` rows, 1000 rad/m^2 off after.
    func truth(for c: PolarisationCatalogue, agreeing: Int) -> TruthTable {
        let ids = c[column: "cat_id"]!.texts!, rms = c[column: "rm"]!.reals!
        var rows: [String: TruthTable.Row] = [:]
        for (k, id) in ids.enumerated() {
            rows[id] = TruthTable.Row(rm: k < agreeing ? rms[k] : rms[k] + 1000, fracPol: 0.05, ra: 0, dec: 0)
        }
        return TruthTable(path: "truth.csv", rows: rows)
    }

    func testSummaryCountsAndTheFractionWithinThreeSigma() throws {
        let c = try catalogue()
        let report = try ValidationReport(catalogue: c, catalogueFile: "cat.fits", truth: truth(for: c, agreeing: 10))
        let s = report.summary
        XCTAssertEqual(s.rows, 40)
        XCTAssertEqual(s.fields, 1)
        XCTAssertEqual(s.withRM, 40)
        XCTAssertEqual(s.medianNoiseI, 0.25e-3, accuracy: 1e-12, "the fixture's Noise is 0.25 mJy")
        XCTAssertEqual(s.medianNoiseChannel, 3e-4, accuracy: 1e-12)
        XCTAssertEqual(s.bright, 40, "stokesI 0.1 Jy over 0.25 mJy noise is 400 > 50")
        XCTAssertEqual(s.matched, 40)
        XCTAssertEqual(s.within3Sigma!, 0.25, accuracy: 1e-12)
        let noTruth = try ValidationReport(catalogue: c, catalogueFile: "cat.fits")
        XCTAssertNil(noTruth.summary.matched)
        XCTAssertFalse(noTruth.hasTruth)
        let dir = TemporaryDirectory("validation")
        try noTruth.image(.rmTruth).write(to: dir.file("none.png"))
        let d = try PNGDecoder.decode(dir.file("none.png"))
        XCTAssertFalse(stride(from: 0, to: d.samples.count, by: 3).contains { d.samples[$0] == 31 && d.samples[$0 + 1] == 119 },
                       "no points without truth")
    }

    func testEveryPlotDecodesAndThePageListsThem() throws {
        let c = try catalogue()
        let report = try ValidationReport(catalogue: c, catalogueFile: "cat.fits", truth: truth(for: c, agreeing: 40))
        let dir = TemporaryDirectory("validation")
        var links: [(ValidationPlot, String)] = []
        for plot in ValidationPlot.allCases {
            let image = try report.image(plot)
            try image.write(to: dir.file(plot.rawValue + ".png"))
            let d = try PNGDecoder.decode(dir.file(plot.rawValue + ".png"))
            XCTAssertEqual(d.width, Figure.defaultWidth, plot.rawValue)
            // Something besides white, black and greys was drawn (the data).
            var coloured = 0
            for k in stride(from: 0, to: d.samples.count, by: 3) where !(d.samples[k] == d.samples[k + 1] && d.samples[k + 1] == d.samples[k + 2]) {
                coloured += 1
            }
            XCTAssertGreaterThan(coloured, 50, "\(plot.rawValue) shows no data")
            links.append((plot, plot.rawValue + ".png"))
        }
        let page = report.html(catalogue: "cat.fits", plots: links)
        for plot in ValidationPlot.allCases { XCTAssertTrue(page.contains("<img src=\"\(plot.rawValue).png\""), plot.rawValue) }
        XCTAssertTrue(page.contains("<tr><th>catalogue rows</th><td>40</td></tr>"), page)
        XCTAssertTrue(page.contains("100.0 %"), page)
    }

    func testTruthTableReadsTheSimulatorsFileAndNamesBadCells() throws {
        let dir = TemporaryDirectory("truth")
        let path = dir.file("truth.csv")
        try "# comment\ngaussian_id,source_id,ra,dec,flux,frac_pol,rm\nA_1,A,10.5,-30,0.1,0.05,42.5\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try TruthTable.read(path).rows["A_1"], TruthTable.Row(rm: 42.5, fracPol: 0.05, ra: 10.5, dec: -30))
        try "gaussian_id,ra,dec,frac_pol,rm\nA_1,1,2,0.1,x\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TruthTable.read(path)) { XCTAssertTrue("\($0)".contains("truth.csv:2: column 'rm' is 'x'"), "\($0)") }
        try "gaussian_id,ra,dec,rm\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try TruthTable.read(path)) { XCTAssertTrue("\($0)".contains("'frac_pol'"), "\($0)") }
    }

    func testAnEmptyCatalogueStillMakesEveryPlot() throws {
        let report = try ValidationReport(catalogue: try PolarisationCatalogue(components: []), catalogueFile: "empty.fits",
                                          truth: TruthTable(path: "truth.csv", rows: [:]))
        XCTAssertEqual(report.summary.rows, 0)
        for plot in ValidationPlot.allCases {
            let image = try report.image(plot)
            XCTAssertEqual(image.width, Figure.defaultWidth, plot.rawValue)
        }
    }

    func testACatalogueFileWithoutAColumnIsNamed() throws {
        let dir = TemporaryDirectory("validation")
        let full = dir.file("full.fits"), cut = dir.file("cut.fits")
        try catalogue().writeFITS(to: full)
        var table = try FITSFile.open(full).readTable()
        table.columns.removeAll { $0.name == "stokesQ_err" }
        let out = try FITSFile.create(cut)
        try out.writeTable(table)
        try out.commit()
        XCTAssertNoThrow(try ValidationReport(catalogueFITS: full))
        XCTAssertThrowsError(try ValidationReport(catalogueFITS: cut)) {
            XCTAssertEqual("\($0)", "\(cut): no real column 'stokesQ_err'")
        }
        XCTAssertThrowsError(try ValidationReport(catalogueFITS: dir.file("missing.fits"))) {
            XCTAssertTrue("\($0)".hasPrefix("cannot read \(dir.file("missing.fits"))"), "\($0)")
        }
    }
}
