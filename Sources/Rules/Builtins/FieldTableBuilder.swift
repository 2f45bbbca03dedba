import Language
import Store

/// Builds every field's `FieldTable` of one epoch from the pipeline database, after init.
enum FieldTableBuilder {
    static func tables(from db: PipelineDatabase, epoch: Int) throws -> [FieldTable] {
        // The observation chosen for each field key: SELECT = 1 first, then the highest SBID.
        var chosen: [String: (name: String, sbid: Int, selected: Bool, centre: FieldTable.Position?)] = [:]
        for row in try db.find(.fields, epoch: epoch, .all) {
            guard let name = row["FIELD_NAME"]?.string, let sbid = row["SBID"]?.int.map(Int.init), sbid >= 0 else { continue }
            let selected = (row["SELECT"]?.double ?? 0) == 1
            let key = BeamMatcher.fieldKey(name, epoch: epoch)
            if let have = chosen[key], (have.selected && !selected) || (have.selected == selected && have.sbid > sbid) { continue }
            let centre = row["RA_DEG"]?.double.flatMap { ra in row["DEC_DEG"]?.double.map { FieldTable.Position(ra: ra, dec: $0) } }
            chosen[key] = (name, sbid, selected, centre)
        }
        var pointings: [String: [FieldTable.Beam]] = [:]   // "NAME\tSBID"
        for row in try db.find(.beamInf, epoch: epoch, .all) {
            guard let name = row["FIELD_NAME"]?.string, let sbid = row["SBID"]?.int, let beam = row["BEAM_NUM"]?.int,
                  let ra = row["RA_DEG"]?.double, let dec = row["DEC_DEG"]?.double else { continue }
            pointings["\(name)\t\(sbid)", default: []].append(.init(beam: Int(beam), ra: ra, dec: dec))
        }
        var components: [String: [FieldTable.Component]] = [:]
        for c in try db.find(.components, epoch: epoch, .all) {
            guard let sid = c["Source_ID"]?.string, let gid = c["Gaussian_ID"]?.string,
                  let ra = c["RA"]?.double, let dec = c["Dec"]?.double else { continue }
            components[sid, default: []].append(.init(gaussianID: gid, ra: ra, dec: dec, maj: c["Maj"]?.double ?? 0))
        }
        var islands: [String: [FieldTable.Island]] = [:]
        for doc in try db.find(.beams, epoch: epoch, .all) {
            guard let sid = doc["Source_ID"]?.string, let perField = doc["beams"]?.document else { continue }
            for (field, entry) in perField.fields {
                guard chosen[field] != nil, let list = entry.document?["beam_list"]?.array else { continue }
                let beams = list.compactMap { $0.int.map(Int.init) }.sorted()
                let comps = (components[sid] ?? []).sorted { $0.gaussianID < $1.gaussianID }
                islands[field, default: []].append(.init(sourceID: sid, beams: beams, components: comps))
            }
        }
        return chosen.keys.sorted().map { key in
            let obs = chosen[key]!
            // Every observed field gets a table, islands or not: the per-field products fan
            // out over the fields observed, and a field without islands simply has none.
            let isl = islands[key] ?? []
            let beams = (pointings["\(obs.name)\t\(obs.sbid)"] ?? []).sorted { $0.beam < $1.beam }
            return FieldTable(epoch: epoch, field: key, databaseName: obs.name, sbid: obs.sbid, beams: beams,
                              islands: isl.sorted { $0.sourceID < $1.sourceID }, centre: obs.centre)
        }
    }
}
