/// Which beams see each island: an island belongs to a beam whose centre lies within
/// 1 degree (great-circle distance), over every observation with SBID >= 0 of an epoch.
public enum BeamMatcher {
    /// An observation with its beams, as loaded from the RACS database.
    public struct Observation: Sendable {
        public var field: FieldObservation
        public var beams: [BeamCentre]

        public init(field: FieldObservation, beams: [BeamCentre]) {
            self.field = field
            self.beams = beams
        }
    }

    /// The field key the pipeline uses: epoch 0's database names carry `_test4_1.05_`,
    /// which the original drops (`RACS_test4_1.05_1237+12A` -> `RACS_1237+12A`).
    public static func fieldKey(_ name: String, epoch: Int) -> String {
        epoch == 0 ? String(name.replacing("_test4_1.05_", with: "_")) : name
    }

    struct Hit: Sendable { var field: String; var sbid: Int; var beam: Int }

    /// The `beams` collection's upserts: one per island seen by at least one beam.
    /// `dr1Tiles` are the catalogue's Tile_IDs (a field is DR1 when it is one of them).
    public static func upserts(islands: [Document], observations: [Observation], epoch: Int,
                               dr1Tiles: Set<String>, radius: Double = 1) -> [Upsert] {
        var entries: [BeamIndex<Hit>.Entry] = []
        for obs in observations where obs.field.sbid >= 0 {
            let key = fieldKey(obs.field.fieldName, epoch: epoch)
            for b in obs.beams {
                entries.append(.init(ra: b.ra, dec: b.dec, payload: Hit(field: key, sbid: obs.field.sbid, beam: b.beam)))
            }
        }
        let index = BeamIndex(radius: radius, entries: entries)
        var out: [Upsert] = []
        out.reserveCapacity(islands.count)
        for island in islands {
            guard let id = island["Source_ID"]?.string, let ra = island["RA"]?.double, let dec = island["Dec"]?.double,
                  ra.isFinite, dec.isFinite else { continue }
            var perField: [String: (beams: Set<Int>, sbids: Set<Int>)] = [:]
            index.within(ra: ra, dec: dec) { e in
                perField[e.payload.field, default: ([], [])].beams.insert(e.payload.beam)
                perField[e.payload.field, default: ([], [])].sbids.insert(e.payload.sbid)
            }
            guard !perField.isEmpty else { continue }
            let fields = perField.keys.sorted()
            var set: [(path: String, value: DocValue)] = [
                ("Source_Name", island["Source_Name"] ?? .null),
                ("n_fields", .int(Int64(fields.count))),
                ("n_fields_DR1", .int(Int64(fields.filter(dr1Tiles.contains).count))),
            ]
            for f in fields {
                let hit = perField[f]!
                set.append(("beams.\(f).beam_list", .array(hit.beams.sorted().map { .int(Int64($0)) })))
                set.append(("beams.\(f).SBIDs", .array(hit.sbids.sorted().map { .int(Int64($0)) })))
                set.append(("beams.\(f).DR1", .bool(dr1Tiles.contains(f))))
            }
            out.append(Upsert(key: ["Source_ID": .string(id)], set: set))
        }
        return out
    }
}
