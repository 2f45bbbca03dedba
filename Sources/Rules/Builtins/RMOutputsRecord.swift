import Language
import Astro
import Store

/// The original's per-component results element: `components.rm_outputs_1d` (or the field
/// a product's `results` param names) is an array
/// with one element per field, `{field, rmsynth1d, rm1dfiles, rmsynth_summary, rmclean1d,
/// rmclean_summary}`, or `{field, rmsynth1d: false, error}` when the spectrum could not
/// be analysed. Each update reads the component, replaces its field's element and writes
/// it back in one transaction (SQLite), so two fields' tasks updating the same component
/// do not lose each other's element.
enum RMOutputsRecord {
    static func update(_ db: PipelineDatabase, results: String, epoch: Int, gaussianID: String, field: String,
                       _ change: (inout Document) -> Void) throws {
        try FieldElementRecord.update(db, .components, epoch: epoch, key: ("Gaussian_ID", gaussianID), path: results,
                                      field: field, change)
    }

    /// RM-Tools' result dictionary as a document (NaN and undefined values as null).
    static func document(_ fields: [(String, FaradayValue)]) -> Document {
        Document(fields.map { key, value in
            switch value {
            case .number(let v): return (key: key, value: v.isFinite ? .double(v) : .null)
            case .integer(let i): return (key: key, value: .int(Int64(i)))
            case .text(let t): return (key: key, value: .string(t))
            case .null: return (key: key, value: .null)
            }
        })
    }
}
