import Language
import Astro
import Foundation
import Store

/// Gathers one field's catalogue rows from the pipeline database: each component's Stokes I
/// row, its `rm_outputs_1d` (or `results`) element for the field (RM-Tools summaries, or the failure), the
/// observation's `field_data` row, the restoring beam from the island's I mosaic, and the
/// component's place in the table's footprint (its tile centre and beams).
struct FieldCatalogueAssembler {
    let db: PipelineDatabase
    /// The components' field holding the RM results (`rm_outputs_1d`).
    var results = CommonSignature.rmResults

    func components(for table: FieldTable, mosaics: [String: String]) throws -> [CatalogueComponent] {
        let observations = try RegionObservations(table: table, db: db)
        let footprint = table.footprint
        var out: [CatalogueComponent] = []
        for island in table.islands {
            let observation = observations.observation(of: island)
            var beam: RestoringBeam?
            if let mosaic = mosaics[island.sourceID] {
                beam = try? RestoringBeam(header: try FITSFile.open(mosaic).readHeader())
            }
            for c in island.components {
                guard let doc = try db.find(.components, epoch: table.epoch, Filter([("Gaussian_ID", .string(c.gaussianID))])).first else {
                    throw BuiltinRuleError.failed("component \(c.gaussianID) is not in the pipeline database (epoch \(table.epoch)); run sources")
                }
                let stokesI: StokesIComponent
                do { stokesI = try StokesIComponent(row: Self.cells(doc)) } catch {
                    throw BuiltinRuleError.failed("component \(c.gaussianID): \(error)")
                }
                let element = doc[results]?.array?.compactMap(\.document).first { $0["field"]?.string == table.field }
                let measurement: CatalogueMeasurement
                var bandNoise: BandNoise?
                if let element, element["rmsynth1d"]?.bool == true, let synthesis = element["rmsynth_summary"]?.document {
                    let clean = element["rmclean1d"]?.bool == true ? element["rmclean_summary"]?.document.map(Self.cells) : nil
                    measurement = .summaries(synthesis: Self.cells(synthesis), clean: clean)
                    bandNoise = BandNoise(summary: Self.cells(synthesis))
                } else {
                    measurement = .failed(reason: element?["error"]?.string ?? "no RM synthesis result for this field", channels: 0)
                }
                // Corrected only where the element says FRion removed an RM from this spectrum.
                let ionosphericRM = element?["ionosphere"]?.string == "FRion" ? element?["rm_ion"]?.double : nil
                out.append(CatalogueComponent(stokesI: stokesI, observation: observation, beam: beam, measurement: measurement,
                                              ionosphericRM: ionosphericRM,
                                              tile: footprint.placement(ra: stokesI.ra, dec: stokesI.dec), bandNoise: bandNoise))
            }
        }
        return out
    }

    /// A database document's top-level values as catalogue cells (nested values are skipped).
    static func cells(_ doc: Document) -> [String: CatalogueCell] {
        var out: [String: CatalogueCell] = [:]
        for (k, v) in doc.fields {
            switch v {
            case .double(let d): out[k] = .number(d)
            case .int(let i): out[k] = .number(Double(i))
            case .string(let s): out[k] = .text(s)
            case .bool(let b): out[k] = .number(b ? 1 : 0)
            case .null: out[k] = .null
            default: break
            }
        }
        return out
    }
}

/// The observation each catalogue row names: the field's, or for an island of a merged
/// region, the fields that see it with the observation values (SBID, scan) of the one whose
/// tile centre is nearest the island.
struct RegionObservations {
    private let table: FieldTable
    private var rows: [String: Document] = [:]   // field -> its field_data row

    init(table: FieldTable, db: PipelineDatabase) throws {
        self.table = table
        let members = table.members ?? [FieldTable.Member(field: table.field, databaseName: table.databaseName, sbid: table.sbid, centre: table.centre)]
        for m in members {
            rows[m.field] = try db.find(.fields, epoch: table.epoch,
                                        Filter([("FIELD_NAME", .string(m.databaseName)), ("SBID", .int(Int64(m.sbid)))])).first
        }
    }

    func observation(of island: FieldTable.Island) -> CatalogueObservation {
        guard let members = table.members else {
            let row = rows[table.field] ?? nil
            return CatalogueObservation(field: table.field, epoch: table.epoch, sbid: table.sbid,
                                        scanStart: row?["SCAN_START"]?.double, integrationTime: row?["SCAN_TINT"]?.double)
        }
        let seeing = members.filter { (island.fields ?? []).contains($0.field) }
        let position = island.components.first.map { ($0.ra, $0.dec) }
        let primary = seeing.min { a, b in
            guard let p = position else { return a.field < b.field }
            func d(_ m: FieldTable.Member) -> Double {
                m.centre.map { SkyMath.separation($0.ra, $0.dec, p.0, p.1) } ?? .infinity
            }
            return (d(a), a.field) < (d(b), b.field)
        }
        let row = primary.flatMap { rows[$0.field] ?? nil }
        return CatalogueObservation(field: table.field, epoch: table.epoch, sbid: primary?.sbid,
                                    scanStart: row?["SCAN_START"]?.double, integrationTime: row?["SCAN_TINT"]?.double,
                                    fields: seeing.map(\.field))
    }
}
