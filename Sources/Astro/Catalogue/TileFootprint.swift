#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The tiles a catalogue's rows were measured in: for a field its own tile, for a region
/// (several fields merged) each member field's tile. A tile is a field's observation: its
/// centre (the RACS database's field_data RA_DEG, DEC_DEG) and its beam pointings.
///
/// `placement` gives `beamdist` and `separation_tile_centre` as the original defines them:
/// the angular distance, in degrees, from the tile centre (RMTable v1.3: "Distance from beam
/// centre - taken as centre of tile"). For a region, the tile whose centre is nearest the
/// component, as the original's post-processing of its merged catalogue (`fix_dr1_cat`)
/// places each source in its nearest field.
public struct TileFootprint: Sendable, Equatable {
    /// One field's observation.
    public struct Tile: Sendable, Equatable {
        /// The field key (`RACS_1237+12A`).
        public var field: String
        /// The tile centre; nil when the RACS database did not give one.
        public var centre: SkyPosition?
        /// The beam pointings (beam_inf RA_DEG, DEC_DEG).
        public var beams: [SkyPosition]

        public init(field: String, centre: SkyPosition?, beams: [SkyPosition]) {
            self.field = field
            self.centre = centre
            self.beams = beams
        }

        /// The centre, or when it is unknown the mean direction of the beam pointings (an
        /// ASKAP footprint is laid out about the tile centre); nil with neither.
        public var effectiveCentre: SkyPosition? {
            centre ?? Self.meanDirection(beams)
        }

        /// The normalised sum of the unit vectors of `positions` (nil for none, or for
        /// positions that cancel out).
        static func meanDirection(_ positions: [SkyPosition]) -> SkyPosition? {
            var x = 0.0, y = 0.0, z = 0.0
            for p in positions where p.ra.isFinite && p.dec.isFinite {
                let a = p.ra * SkyMath.degree, d = p.dec * SkyMath.degree
                x += cos(d) * cos(a); y += cos(d) * sin(a); z += sin(d)
            }
            let r = (x * x + y * y + z * z).squareRoot()
            guard r > 1e-12 else { return nil }
            return SkyPosition(ra: SkyMath.normalisedRA(atan2(y, x) / SkyMath.degree),
                               dec: asin(max(-1, min(1, z / r))) / SkyMath.degree)
        }
    }

    public var tiles: [Tile]

    public init(tiles: [Tile]) {
        self.tiles = tiles
    }

    /// The tile nearest (ra, dec) by its centre, and the separation from that centre
    /// (degrees); ties go to the first tile. Nil when no tile has a centre or beams.
    public func placement(ra: Double, dec: Double) -> TilePlacement? {
        var best: TilePlacement?
        for tile in tiles {
            guard let c = tile.effectiveCentre else { continue }
            let separation = SkyMath.separation(c.ra, c.dec, ra, dec)
            guard separation.isFinite else { continue }
            if best == nil || separation < best!.separation {
                best = TilePlacement(field: tile.field, centre: c, separation: separation)
            }
        }
        return best
    }
}
