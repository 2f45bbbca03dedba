import Language
/// Merges the tables of a region's fields: every island once, with the fields that see it
/// and its cutouts from all of them (`RegionRule`).
struct RegionBuilder {
    let name: String
    let epoch: Int
    let tables: [FieldTable]
    let cutouts: RegionCutouts

    /// One island of the region: its own table and the fields that see it.
    struct Island {
        var table: FieldTable
        var fields: [String]
    }

    struct Region {
        /// Every island once, every member's beams and centre.
        var table: FieldTable
        var islands: [Island]
    }

    /// A region's tables carry no SBID of their own: its members have theirs.
    static let noSBID = -1

    func build() throws -> Region {
        let ordered = tables.sorted { $0.field < $1.field }
        var members: [String: FieldTable.Member] = [:]
        var pointings: [String: FieldTable.Beam] = [:]   // "FIELD\tbeam"
        var allBeams: [FieldTable.Beam] = []
        for t in ordered {
            members[t.field] = FieldTable.Member(field: t.field, databaseName: t.databaseName, sbid: t.sbid, centre: t.centre)
            for b in t.beams {
                let beam = FieldTable.Beam(beam: b.beam, ra: b.ra, dec: b.dec, field: t.field)
                pointings["\(t.field)\t\(b.beam)"] = beam
                allBeams.append(beam)
            }
        }
        // Source_ID -> (field, its island in that field's table), fields in order.
        var sightings: [String: [(field: String, island: FieldTable.Island)]] = [:]
        for t in ordered {
            for island in t.islands where !cutouts.cutouts(field: t.field, island: island.sourceID).isEmpty {
                sightings[island.sourceID, default: []].append((t.field, island))
            }
        }
        var islands: [Island] = []
        var regionIslands: [FieldTable.Island] = []
        for sid in sightings.keys.sorted() {
            let seen = sightings[sid]!
            let fields = seen.map(\.field)
            let components = seen[0].island.components
            for other in seen.dropFirst() where other.island.components != components {
                throw BuiltinRuleError.failed("region \(name): island \(sid) has different components in the tables of \(seen[0].field) and \(other.field); run sources again")
            }
            let cut = fields.flatMap { cutouts.cutouts(field: $0, island: sid) }
                .sorted { ($0.field, $0.beam, $0.stokes) < ($1.field, $1.beam, $1.stokes) }
            var beams: [FieldTable.Beam] = []
            var seenBeams: Set<String> = []
            for c in cut where seenBeams.insert("\(c.field)\t\(c.beam)").inserted {
                guard let p = pointings["\(c.field)\t\(c.beam)"] else {
                    throw BuiltinRuleError.failed("region \(name): \(c.image) is from beam \(c.beam) of \(c.field), which its table does not list")
                }
                beams.append(p)
            }
            let island = FieldTable.Island(sourceID: sid, beams: [], components: components, fields: fields, cutouts: cut)
            let table = FieldTable(epoch: epoch, field: name, databaseName: name, sbid: Self.noSBID, beams: beams,
                                   islands: [island], members: fields.map { members[$0]! })
            islands.append(Island(table: table, fields: fields))
            regionIslands.append(FieldTable.Island(sourceID: sid, beams: [], components: components, fields: fields))
        }
        let table = FieldTable(epoch: epoch, field: name, databaseName: name, sbid: Self.noSBID, beams: allBeams,
                               islands: regionIslands, members: ordered.map { members[$0.field]! })
        return Region(table: table, islands: islands)
    }
}
