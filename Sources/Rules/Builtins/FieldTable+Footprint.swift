import Language
import Astro

extension FieldTable {
    /// The tiles this table's rows are measured in: a field's own tile (its centre and
    /// beams), or each member field's of a region (its centre and the beams that say they
    /// are its).
    var footprint: TileFootprint {
        func sky(_ b: Beam) -> SkyPosition { SkyPosition(ra: b.ra, dec: b.dec) }
        guard let members else {
            return TileFootprint(tiles: [.init(field: field, centre: centre.map { SkyPosition(ra: $0.ra, dec: $0.dec) },
                                               beams: beams.map(sky))])
        }
        return TileFootprint(tiles: members.map { m in
            .init(field: m.field, centre: m.centre.map { SkyPosition(ra: $0.ra, dec: $0.dec) },
                  beams: beams.filter { ($0.field ?? field) == m.field }.map(sky))
        })
    }
}
