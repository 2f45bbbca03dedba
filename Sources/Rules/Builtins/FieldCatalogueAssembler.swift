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
        let fieldRow = try db.find(.fields, epoch: table.epoch,
                                   Filter([("FIELD_NAME", .string(table.databaseName)), ("SBID", .int(Int64(table.sbid)))])).first
        let observation = CatalogueObservation(field: table.field, epoch: table.epoch, sbid: table.sbid,
                                               scanStart: fieldRow?["SCAN_START"]?.double,
                                               integrationTime: fieldRow?["SCAN_TINT"]?.double)
        let footprint = table.footprint
        var out: [CatalogueComponent] = []
        for island in table.islands {
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
