import Foundation
import Testing
@testable import Astro

/// The PyPI rmtable package's own checks on our files (issue 6, acceptance 3), on a
/// catalogue made from real RM synthesis and RM-CLEAN of the RM-Tools test spectra, plus a
/// corrupt spectrum whose failure the catalogue records.
@Suite struct CatalogueStandardTests {
    static func catalogue() throws -> PolarisationCatalogue {
        let synthesiser = RMSynthesiser()
        var components: [CatalogueComponent] = []
        var spectra = RMToolsCases.all.map(\.spectrum)
        var broken = spectra[0]
        broken.q = broken.q.map { _ in .nan }
        broken.i = broken.i.map { _ in .nan }
        spectra.append(broken)
        for (n, spectrum) in spectra.enumerated() {
            let ra = 189 + Double(n % 8) * 0.3, dec = 12 + Double(n / 8) * 0.3
            let row = CatalogueFixture.row(n, ra: ra, dec: dec, separation: SkyMath.separation(189, 12, ra, dec))
            let measurement: CatalogueMeasurement
            do {
                let s = try synthesiser.synthesise(spectrum)
                measurement = .measured(synthesis: s, clean: try? synthesiser.clean())
            } catch {
                measurement = .failed(reason: "\(error)", channels: 0)
            }
            components.append(CatalogueComponent(stokesI: try StokesIComponent(row: row),
                                                 observation: CatalogueFixture.field, beam: CatalogueFixture.beam,
                                                 measurement: measurement))
        }
        return try PolarisationCatalogue(components: components)
    }

    func check(_ file: String) throws {
        if let reason = RMTableCheck.unavailable { Issue.record(Comment(rawValue: reason)); return }
        let dir = TemporaryDirectory("rmtable")
        let cat = try Self.catalogue()
        #expect(cat[column: "rmsynth_failed"]?.logicals?.last == true)
        let path = dir.file(file)
        if file.hasSuffix(".fits") { try cat.writeFITS(to: path) } else { try cat.writeVOTable(to: path) }
        let report = try RMTableCheck.check(path)
        #expect(report.rows == cat.rowCount)
        #expect(report.verify_standard_strings.contains("No problems found with standardized string entries."),
                "\(report.verify_standard_strings)")
        #expect(!report.verify_standard_strings.contains("non-standard RM method")
                && !report.verify_standard_strings.contains("non-standard telescope"))
        #expect(report.nonstandard_complex_test.isEmpty, "\(report.nonstandard_complex_test)")
        #expect(report.verify_limits == "All columns conform with standard.\n", "\(report.verify_limits)")
        #expect(report.verify_ucds == nil, "\(report.verify_ucds ?? "")")
        #expect(report.strict_ucd_errors.isEmpty, "\(report.strict_ucd_errors)")
        let unexpected = report.unexpectedReadWarnings(standard: CatalogueColumnTests.standardColumns)
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(report.unexpectedVOTableWarnings.isEmpty, "\(report.unexpectedVOTableWarnings)")
        for name in CatalogueColumnTests.standardColumns {
            #expect(report.column(name) != nil, "\(name) missing after RMTable.read")
        }
        let notes = report.column("notes")?.values.last
        #expect(notes.map { if case .text(let t) = $0 { t.hasPrefix("RM synthesis failed:") } else { false } } == true)
    }

    @Test func voTablePassesRMTableChecks() throws { try check("catalogue.xml") }

    @Test func fitsPassesRMTableChecks() throws { try check("catalogue.fits") }
}
