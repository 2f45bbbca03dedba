import Foundation
import Testing
@testable import Astro

/// `beamdist` and `separation_tile_centre`: the distance from the tile centre of the field
/// (or, in a region, of the nearest member field) the row was measured in.
@Suite struct CatalogueTileTests {
    /// A 2 x 2 footprint of beams 0.9 deg apart around (ra, dec), laid out on the tangent plane.
    static func beams(around ra: Double, _ dec: Double) -> [SkyPosition] {
        [(-0.45, -0.45), (0.45, -0.45), (-0.45, 0.45), (0.45, 0.45)].map {
            let p = SkyMath.offset(ra: ra, dec: dec, east: $0.0, north: $0.1)
            return SkyPosition(ra: p.ra, dec: p.dec)
        }
    }

    @Test func aFieldsRowsAreMeasuredFromItsCentre() throws {
        let tile = TileFootprint.Tile(field: "RACS_1237+12A", centre: SkyPosition(ra: 189, dec: 12), beams: Self.beams(around: 189, 12))
        let footprint = TileFootprint(tiles: [tile])
        let p = try #require(footprint.placement(ra: 189, dec: 14.5))
        #expect(p.field == "RACS_1237+12A")
        #expect(abs(p.separation - 2.5) < 1e-12)          // along the meridian: the Dec difference
        let q = try #require(footprint.placement(ra: 190.25, dec: 11.5))
        #expect(q.separation == SkyMath.separation(189, 12, 190.25, 11.5))
    }

    @Test func withoutACentreTheBeamsMeanDirectionIsUsed() throws {
        let tile = TileFootprint.Tile(field: "F", centre: nil, beams: Self.beams(around: 359.8, -30))
        let centre = try #require(tile.effectiveCentre)
        #expect(SkyMath.separation(centre.ra, centre.dec, 359.8, -30) < 1e-9, "\(centre)")
        #expect(TileFootprint.Tile(field: "G", centre: nil, beams: []).effectiveCentre == nil)
        #expect(TileFootprint(tiles: [TileFootprint.Tile(field: "G", centre: nil, beams: [])]).placement(ra: 0, dec: 0) == nil)
    }

    @Test func aRegionsRowIsMeasuredFromTheNearestMembersCentre() throws {
        let a = TileFootprint.Tile(field: "A", centre: SkyPosition(ra: 10, dec: -30), beams: Self.beams(around: 10, -30))
        let b = TileFootprint.Tile(field: "B", centre: SkyPosition(ra: 15, dec: -30), beams: Self.beams(around: 15, -30))
        let region = TileFootprint(tiles: [a, b])
        #expect(region.placement(ra: 11, dec: -30)?.field == "A")
        let p = try #require(region.placement(ra: 14, dec: -29))
        #expect(p.field == "B" && p.separation == SkyMath.separation(15, -30, 14, -29))
        // Equally near (two members sharing a centre): the first.
        let twin = TileFootprint.Tile(field: "C", centre: a.centre, beams: [])
        #expect(TileFootprint(tiles: [a, twin]).placement(ra: 11, dec: -30)?.field == "A")
    }

    @Test func theColumnsComeFromThePlacementNotTheStokesICatalogue() throws {
        let placement = TilePlacement(field: "RACS_1237+12A", centre: SkyPosition(ra: 189, dec: 12), separation: 1.75)
        var placed = CatalogueFixture.component(1, row: CatalogueFixture.row(1, separation: 3.0))
        placed.tile = placement
        let unplaced = CatalogueFixture.component(2, row: CatalogueFixture.row(2, separation: 3.0))
        let cat = try PolarisationCatalogue(components: [placed, unplaced])
        #expect(cat[column: "beamdist"]?.reals == [1.75, 3.0])
        #expect(cat[column: "separation_tile_centre"]?.reals == [1.75, 3.0])
    }

    /// Our separations against astropy's (`SkyCoord.separation`, Vincenty), over the RA wrap,
    /// near a pole and across a whole field.
    @Test func separationsAgreeWithAstropy() throws {
        if let reason = Astropy.unavailable { Issue.record(Comment(rawValue: reason + "; " + Astropy.installHint)); return }
        let pairs: [(Double, Double, Double, Double)] = [
            (189, 12, 189, 14.5), (359.9, -30, 0.4, -29.2), (10, -89.5, 190, -89.7), (45, 0, 48.5, 2.5),
            (120.000001, 60, 120, 60.000002), (300, -45, 303.9, -41.8), (0, 0, 0, 0),
        ]
        let script = """
            import json, sys
            from astropy.coordinates import SkyCoord
            import astropy.units as u
            pairs = json.load(sys.stdin)
            out = [SkyCoord(a * u.deg, b * u.deg).separation(SkyCoord(c * u.deg, d * u.deg)).deg for a, b, c, d in pairs]
            json.dump(out, sys.stdout)
            """
        let input = "[" + pairs.map { "[\($0.0), \($0.1), \($0.2), \($0.3)]" }.joined(separator: ",") + "]"
        let result = try Astropy.run(["-c", script], input: Data(input.utf8))
        #expect(result.status == 0, "\(result.stderr)")
        let astropy = try JSONDecoder().decode([Double].self, from: result.stdout)
        for (pair, expected) in zip(pairs, astropy) {
            let footprint = TileFootprint(tiles: [TileFootprint.Tile(field: "F", centre: SkyPosition(ra: pair.0, dec: pair.1), beams: [])])
            let ours = try #require(footprint.placement(ra: pair.2, dec: pair.3)).separation
            #expect(abs(ours - expected) < 1e-10, "\(pair): \(ours) vs astropy \(expected)")
        }
    }
}
