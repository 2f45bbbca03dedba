import Foundation
import Testing
@testable import Astro

/// Rows from stored RM-Tools summaries (`rm_outputs_1d`, `_RMsynth.json`) equal rows from
/// the in-memory results.
@Suite struct CatalogueSummaryTests {
    /// A JSON object as summary cells (what the catalogue rule gets from the database).
    static func cells(_ json: String) throws -> [String: CatalogueCell] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return object.mapValues { value -> CatalogueCell in
            if let s = value as? String { return .text(s) }
            if let n = value as? NSNumber { return .number(n.doubleValue) }
            return .null
        }
    }

    @Test func summariesGiveTheSameRowsAsResults() throws {
        let synthesiser = RMSynthesiser()
        var fromResults: [CatalogueComponent] = [], fromSummaries: [CatalogueComponent] = []
        for (n, c) in RMToolsCases.all.prefix(12).enumerated() {
            let s = try synthesiser.synthesise(c.spectrum)
            let clean = n % 3 == 0 ? nil : try synthesiser.clean()
            var component = CatalogueFixture.component(n, synthesis: s, clean: .some(clean))
            fromResults.append(component)
            component.measurement = .summaries(synthesis: try Self.cells(s.json), clean: try clean.map { try Self.cells($0.json) })
            fromSummaries.append(component)
        }
        let a = try PolarisationCatalogue(components: fromResults)
        let b = try PolarisationCatalogue(components: fromSummaries)
        // Foundation's JSON parser may miss the last binary digit of a number: reals agree to 1e-14.
        #expect(a.columns.map(\.name) == b.columns.map(\.name))
        for (x, y) in zip(a.columns, b.columns) {
            if case .real(let u) = x.values, case .real(let v) = y.values {
                #expect(zip(u, v).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) || abs($0 - $1) <= 1e-14 * abs($0) },
                        "\(x.name): \(u) vs \(v)")
            } else {
                #expect(x == y, "\(x.name)")
            }
        }
        #expect(a[column: "rm"]?.reals?.allSatisfy(\.isFinite) == true)
        let widths = a[column: "rm_width"]?.reals ?? []
        #expect(stride(from: 0, to: widths.count, by: 3).allSatisfy { widths[$0].isNaN }, "no CLEAN, no width")
        #expect(widths.contains { $0.isFinite })
    }

    @Test func summariesNeedTheirKeys() throws {
        let s = CatalogueFixture.synthesis()
        var cells = RMSummary.cells(s.fields)
        cells["snrPIfit"] = nil
        var component = CatalogueFixture.component(4)
        component.measurement = .summaries(synthesis: cells, clean: nil)
        #expect(throws: CatalogueError.missingResult(component: "RACS_1237+12A_4_g", summary: "rmsynth", key: "snrPIfit")) {
            try PolarisationCatalogue(components: [component])
        }
        cells = RMSummary.cells(s.fields)
        cells["N_channels"] = "many"
        component.measurement = .summaries(synthesis: cells, clean: nil)
        #expect(throws: CatalogueError.badResult(component: "RACS_1237+12A_4_g", summary: "rmsynth", key: "N_channels", value: "'many'")) {
            try PolarisationCatalogue(components: [component])
        }
        // A null (NaN in RM-Tools) is a blank value, not an error.
        cells = RMSummary.cells(s.fields)
        cells["sigmaAddC"] = .null
        component.measurement = .summaries(synthesis: cells, clean: [:].merging(RMSummary.cells(CatalogueFixture.clean(of: s).fields)) { a, _ in a })
        let cat = try PolarisationCatalogue(components: [component])
        #expect(cat[column: "sigma_add"]?.reals?.first?.isNaN == true)
        #expect(cat[column: "complex_sigma_add_flag"]?.logicals == [false])
    }
}
