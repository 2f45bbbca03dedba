import Astro
import XCTest
@testable import Rules

/// The catalogue rule's glue: its leakage params reach the flagger's settings, and a field's
/// or a region's table becomes the footprint `beamdist` is measured in.
final class CatalogueRuleTests: XCTestCase {
    func testLeakageParamsSetTheEnvelopesSettings() throws {
        let defaults = try CatalogueRule.options(BuiltinArguments([:], kind: "catalogue"))
        XCTAssertEqual(defaults, CatalogueOptions())
        XCTAssertEqual(defaults.leakage.degree, 4)
        XCTAssertEqual(defaults.leakage.bins, 16)
        XCTAssertEqual(defaults.leakage.minimumStokesISNR, 30)
        let set = try CatalogueRule.options(BuiltinArguments(["leakage_degree": "2", "leakage_bins": "21", "leakage_snr": "100"],
                                                             kind: "catalogue"))
        XCTAssertEqual(set.leakage.degree, 2)
        XCTAssertEqual(set.leakage.bins, 21)
        XCTAssertEqual(set.leakage.minimumStokesISNR, 100)
        XCTAssertThrowsError(try CatalogueRule.options(BuiltinArguments(["leakage_bins": "many"], kind: "catalogue")))
    }

    func testAFieldsTableIsOneTile() throws {
        let table = FieldTable(epoch: 0, field: "A", databaseName: "RACS_test4_1.05_A", sbid: 1,
                               beams: [.init(beam: 0, ra: 10, dec: -30), .init(beam: 1, ra: 11, dec: -30)], islands: [],
                               centre: .init(ra: 10.5, dec: -30))
        let footprint = table.footprint
        XCTAssertEqual(footprint.tiles.count, 1)
        XCTAssertEqual(footprint.tiles[0].field, "A")
        XCTAssertEqual(footprint.tiles[0].centre, SkyPosition(ra: 10.5, dec: -30))
        XCTAssertEqual(footprint.tiles[0].beams.count, 2)
        XCTAssertEqual(footprint.placement(ra: 10.5, dec: -29)?.separation ?? 0, 1, accuracy: 1e-12)
    }

    func testARegionsTableIsItsMembersTiles() throws {
        let members: [FieldTable.Member] = [.init(field: "A", databaseName: "A", sbid: 1, centre: .init(ra: 10, dec: -30)),
                                            .init(field: "B", databaseName: "B", sbid: 2, centre: nil)]
        let beams: [FieldTable.Beam] = [.init(beam: 0, ra: 9.5, dec: -30, field: "A"), .init(beam: 0, ra: 14.5, dec: -30, field: "B"),
                                        .init(beam: 1, ra: 15.5, dec: -30, field: "B")]
        let table = FieldTable(epoch: 0, field: "region", databaseName: "", sbid: 0, beams: beams, islands: [], members: members)
        let footprint = table.footprint
        XCTAssertEqual(footprint.tiles.map(\.field), ["A", "B"])
        XCTAssertEqual(footprint.tiles[0].beams, [SkyPosition(ra: 9.5, dec: -30)])
        XCTAssertEqual(footprint.tiles[1].beams.count, 2)
        // B has no centre in the database: its beams' mean direction stands in.
        let p = try XCTUnwrap(footprint.placement(ra: 15, dec: -29))
        XCTAssertEqual(p.field, "B")
        XCTAssertEqual(p.centre.ra, 15, accuracy: 1e-9)
        XCTAssertEqual(footprint.placement(ra: 10.2, dec: -30)?.field, "A")
    }
}
