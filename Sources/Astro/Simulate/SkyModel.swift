#if canImport(Glibc)
import Glibc
#endif

/// One simulated Gaussian component with its true properties.
public struct TruthComponent: Sendable {
    public var gaussianID: String
    public var sourceID: String
    /// Index of the island in `SkyModel.islands`.
    public var island: Int
    public var ra: Double
    public var dec: Double
    /// Total Stokes I flux density at the reference frequency (Jy).
    public var flux: Double
    public var spectralIndex: Double
    public var fractionalPolarisation: Double
    /// Rotation measure (rad/m^2).
    public var rm: Double
    /// Intrinsic polarisation angle (deg, 0...180).
    public var angle: Double
    /// Intrinsic (deconvolved) FWHM major/minor (deg) and position angle (deg E of N).
    public var major: Double
    public var minor: Double
    public var positionAngle: Double
    /// No other component lies within 3 restoring beams.
    public var isolated: Bool
    /// Circular polarisation fraction V / I (`--circular-fraction`; 0 without).
    public var circularFraction: Double = 0
}

/// An island: one or two components that a source finder would group.
public struct TruthIsland: Sendable {
    public var sourceID: String
    public var tile: Int
    public var components: [Int]
}

/// The simulated sky: islands of Gaussian components spread over the survey footprint.
public struct SkyModel: Sendable {
    public var components: [TruthComponent]
    public var islands: [TruthIsland]

    public init(_ p: SurveyParameters, layout: SurveyLayout) {
        var random = RandomStream(seed: p.seed, labels: [0x5157])
        let beam = p.restoringBeam
        let halfSide = (Double(p.beamGridSide) / 2) * p.beamPitch
        let index = SpatialIndex(cell: 3 * beam)
        var components: [TruthComponent] = []
        var islands: [TruthIsland] = []
        var perTile = [Int](repeating: 0, count: layout.fields.count)
        var perTileGaussians = [Int](repeating: 0, count: layout.fields.count)

        func place() -> (ra: Double, dec: Double, tile: Int, isolated: Bool) {
            var last: (Double, Double, Int) = (0, 0, 0)
            for _ in 0..<10 {
                let tile = Int(random.uniform() * Double(layout.fields.count))
                let f = layout.fields[tile]
                let pos = SkyMath.offset(ra: f.ra, dec: f.dec,
                                         east: random.uniform(-halfSide, halfSide),
                                         north: random.uniform(-halfSide, halfSide))
                last = (pos.ra, pos.dec, tile)
                if !index.hasNeighbour(ra: pos.ra, dec: pos.dec, within: 3 * beam) {
                    return (pos.ra, pos.dec, tile, true)
                }
            }
            return (last.0, last.1, last.2, false)
        }

        func component(island: Int, sourceID: String, tile: Int, ra: Double, dec: Double, isolated: Bool) -> TruthComponent {
            perTileGaussians[tile] += 1
            // Fluxes follow N(>S) ~ S^-slope above the minimum (5 mJy, slope 1.5), capped (2 Jy).
            let flux = min(p.maximumFlux, p.minimumFlux * pow(1 - random.uniform(), -1 / p.fluxCountSlope))
            let extended = random.uniform() < 0.3
            let major = extended ? beam * random.uniform(0.3, 1.0) : 0
            let minor = extended ? major * random.uniform(0.4, 1.0) : 0
            return TruthComponent(
                gaussianID: "\(layout.fields[tile].name)_\(perTileGaussians[tile])", sourceID: sourceID,
                island: island, ra: ra, dec: dec, flux: flux,
                spectralIndex: -0.75 + 0.25 * random.gaussian(),
                fractionalPolarisation: random.uniform() < 0.5 ? random.uniform(0.005, 0.1) : random.uniform(0, 0.005),
                rm: 60 * random.gaussian(), angle: random.uniform(0, 180),
                major: major, minor: minor, positionAngle: extended ? random.uniform(0, 180) : 0,
                isolated: isolated)
        }

        var count = 0
        while count < p.sources {
            let (ra, dec, tile, isolated) = place()
            perTile[tile] += 1
            let sourceID = "\(layout.fields[tile].name)_\(perTile[tile])"
            let islandIndex = islands.count
            var members: [Int] = []
            let first = component(island: islandIndex, sourceID: sourceID, tile: tile, ra: ra, dec: dec, isolated: isolated)
            index.insert(ra: ra, dec: dec)
            members.append(components.count)
            components.append(first)
            count += 1
            // One island in five has a second component two beams away.
            if count < p.sources && random.uniform() < 0.2 {
                let pa = random.uniform(0, 360)
                let pos = SkyMath.offset(ra: ra, dec: dec, east: 2 * beam * sin(pa * SkyMath.degree),
                                         north: 2 * beam * cos(pa * SkyMath.degree))
                var second = component(island: islandIndex, sourceID: sourceID, tile: tile,
                                       ra: pos.ra, dec: pos.dec, isolated: false)
                second.isolated = false
                components[members[0]].isolated = false
                index.insert(ra: pos.ra, dec: pos.dec)
                members.append(components.count)
                components.append(second)
                count += 1
            }
            islands.append(TruthIsland(sourceID: sourceID, tile: tile, components: members))
        }
        // Isolation is final only once every component is placed.
        let all = SpatialIndex(cell: 3 * beam)
        for c in components { all.insert(ra: c.ra, dec: c.dec) }
        for i in components.indices where components[i].isolated {
            components[i].isolated = all.neighbours(ra: components[i].ra, dec: components[i].dec, within: 3 * beam, stopAt: 2) == 1
        }
        if let f = p.circularFraction {
            // A stream of its own, so that a survey without V draws exactly what it did.
            var circular = RandomStream(seed: p.seed, labels: [0x5156])
            for i in components.indices { components[i].circularFraction = f * circular.uniform(-1, 1) }
        }
        self.components = components
        self.islands = islands
    }
}

/// A coarse grid over the sky for "is anything near here" questions.
final class SpatialIndex {
    let cell: Double
    var cells: [Int64: [(Double, Double)]] = [:]

    init(cell: Double) { self.cell = max(cell, 1e-6) }

    private func key(_ ra: Double, _ dec: Double) -> (Int64, Int64) {
        // Cells are `cell` wide in RA degrees; searches widen by 1/cos(dec) cells.
        (Int64((ra / cell).rounded(.down)), Int64(((dec + 90) / cell).rounded(.down)))
    }

    func insert(ra: Double, dec: Double) {
        let (x, y) = key(ra, dec)
        cells[x &* 1_000_003 &+ y, default: []].append((ra, dec))
    }

    func hasNeighbour(ra: Double, dec: Double, within radius: Double) -> Bool {
        neighbours(ra: ra, dec: dec, within: radius, stopAt: 1) > 0
    }

    /// How many stored positions lie within `radius` (deg), the position itself included,
    /// counting no further than `stopAt`.
    func neighbours(ra: Double, dec: Double, within radius: Double, stopAt: Int = .max) -> Int {
        let (x, y) = key(ra, dec)
        let raReach = radius / max(0.01, cos(dec * SkyMath.degree))
        let span = Int64((raReach / cell).rounded(.up))
        var n = 0
        for dx in -span...span { for dy in -1...1 {
            for (r, d) in cells[(x + Int64(dx)) &* 1_000_003 &+ (y + Int64(dy))] ?? []
            where abs(d - dec) < radius && abs(r - ra) < raReach && SkyMath.separation(ra, dec, r, d) < radius {
                n += 1
                if n >= stopAt { return n }
            }
        } }
        return n
    }
}
