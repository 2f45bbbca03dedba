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
        let positions = islands.compactMap { island -> IslandPosition? in
            guard let id = island["Source_ID"]?.string, let ra = island["RA"]?.double, let dec = island["Dec"]?.double else { return nil }
            return IslandPosition(sourceID: id, sourceName: island["Source_Name"] ?? .null, ra: ra, dec: dec)
        }
        return upserts(islands: positions[...], index: index(observations, epoch: epoch, radius: radius), dr1Tiles: dr1Tiles)
    }

    /// The beam centres of the epoch's observations with SBID >= 0, indexed on the sky.
    static func index(_ observations: [Observation], epoch: Int, radius: Double = 1) -> BeamIndex<Hit> {
        var entries: [BeamIndex<Hit>.Entry] = []
        for obs in observations where obs.field.sbid >= 0 {
            let key = fieldKey(obs.field.fieldName, epoch: epoch)
            for b in obs.beams {
                entries.append(.init(ra: b.ra, dec: b.dec, payload: Hit(field: key, sbid: obs.field.sbid, beam: b.beam)))
            }
        }
        return BeamIndex(radius: radius, entries: entries)
    }

    /// One field that sees an island: its beams (ascending, once each) and SBIDs.
    struct FieldHits {
        var name: String
        var beams: [Int]
        var sbids: [Int]
    }

    /// The fields whose beams see an island, in field-name order; `hits` is scratch space.
    static func fields(seeing island: IslandPosition, index: BeamIndex<Hit>, hits: inout [Hit]) -> [FieldHits] {
        hits.removeAll(keepingCapacity: true)
        index.within(ra: island.ra, dec: island.dec) { hits.append($0.payload) }
        guard !hits.isEmpty else { return [] }
        hits.sort { ($0.field, $0.beam, $0.sbid) < ($1.field, $1.beam, $1.sbid) }
        var fields: [FieldHits] = []
        for h in hits {
            if fields.last?.name != h.field { fields.append(FieldHits(name: h.field, beams: [], sbids: [])) }
            if fields[fields.count - 1].beams.last != h.beam { fields[fields.count - 1].beams.append(h.beam) }
            if !fields[fields.count - 1].sbids.contains(h.sbid) { fields[fields.count - 1].sbids.append(h.sbid) }
        }
        for i in fields.indices { fields[i].sbids.sort() }
        return fields
    }

    /// The upserts of a run of islands against an index.
    static func upserts(islands: ArraySlice<IslandPosition>, index: BeamIndex<Hit>, dr1Tiles: Set<String>) -> [Upsert] {
        var out: [Upsert] = []
        out.reserveCapacity(islands.count)
        var hits: [Hit] = []
        for island in islands where island.ra.isFinite && island.dec.isFinite {
            let fields = fields(seeing: island, index: index, hits: &hits)
            guard !fields.isEmpty else { continue }
            var set: [(path: String, value: DocValue)] = [
                ("Source_Name", island.sourceName),
                ("n_fields", .int(Int64(fields.count))),
                ("n_fields_DR1", .int(Int64(fields.filter { dr1Tiles.contains($0.name) }.count))),
            ]
            for f in fields {
                set.append(("beams.\(f.name).beam_list", .array(f.beams.map { .int(Int64($0)) })))
                set.append(("beams.\(f.name).SBIDs", .array(f.sbids.map { .int(Int64($0)) })))
                set.append(("beams.\(f.name).DR1", .bool(dr1Tiles.contains(f.name))))
            }
            out.append(Upsert(key: ["Source_ID": .string(island.sourceID)], set: set))
        }
        return out
    }

    /// Whether `documents` can write an epoch's beams documents: a field name with a `.`
    /// would be a path in the upserts, which only `upserts` follows.
    static func canEncode(_ observations: [Observation], epoch: Int) -> Bool {
        !observations.contains { fieldKey($0.field.fieldName, epoch: epoch).utf8.contains(0x2E) }
    }

    /// The new documents `upserts` would make, written as JSON directly (each row's upsert,
    /// `EncodedDocuments.upsert(at:)`, is the one `upserts` gives).
    static func documents(islands: ArraySlice<IslandPosition>, index: BeamIndex<Hit>, dr1Tiles: Set<String>) -> EncodedDocuments {
        var out = EncodedDocuments(collection: .beams)
        out.bytes.reserveCapacity(islands.count * 200)
        out.rows.reserveCapacity(islands.count)
        var hits: [Hit] = []
        func put(_ text: StaticString) {
            text.withUTF8Buffer { out.bytes.append(contentsOf: $0) }
        }
        func ints(_ values: [Int]) {
            out.bytes.append(0x5B)
            for (i, v) in values.enumerated() {
                if i > 0 { out.bytes.append(0x2C) }
                JSONText.writeInteger(Int64(v), into: &out.bytes)
            }
            out.bytes.append(0x5D)
        }
        for island in islands where island.ra.isFinite && island.dec.isFinite {
            let fields = fields(seeing: island, index: index, hits: &hits)
            guard !fields.isEmpty else { continue }
            let keyStart = out.bytes.count
            out.bytes.append(0x5B)
            JSONText.writeString(island.sourceID, into: &out.bytes)
            out.bytes.append(0x5D)
            let docStart = out.bytes.count
            put(#"{"Source_ID":"#)
            JSONText.writeString(island.sourceID, into: &out.bytes)
            put(#","Source_Name":"#)
            JSONText.write(island.sourceName, into: &out.bytes)
            put(#","n_fields":"#)
            JSONText.writeInteger(Int64(fields.count), into: &out.bytes)
            put(#","n_fields_DR1":"#)
            JSONText.writeInteger(Int64(fields.filter { dr1Tiles.contains($0.name) }.count), into: &out.bytes)
            put(#","beams":{"#)
            for (i, f) in fields.enumerated() {
                if i > 0 { out.bytes.append(0x2C) }
                JSONText.writeString(f.name, into: &out.bytes)
                put(#":{"beam_list":"#)
                ints(f.beams)
                put(#","SBIDs":"#)
                ints(f.sbids)
                put(dr1Tiles.contains(f.name) ? #","DR1":true}"# : #","DR1":false}"#)
            }
            put("}}")
            out.rows.append(.init(key: keyStart..<docStart, document: docStart..<out.bytes.count))
        }
        return out
    }
}
