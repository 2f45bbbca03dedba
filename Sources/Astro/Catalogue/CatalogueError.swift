/// Why a catalogue could not be built or written. Every case names what it is about.
public enum CatalogueError: Error, Equatable, CustomStringConvertible {
    /// A required Stokes I catalogue column is absent from a component's row.
    case missingColumn(component: String, column: String)
    /// A Stokes I catalogue column holds the wrong kind of value (text where a number is needed).
    case badValue(component: String, column: String, value: String)
    /// An RM synthesis or RM-CLEAN summary lacks a key the catalogue needs
    /// (`summary` is "rmsynth" or "rmclean").
    case missingResult(component: String, summary: String, key: String)
    /// A summary key holds text where a number is needed (or a number where text is).
    case badResult(component: String, summary: String, key: String, value: String)
    /// The same component appears twice for the same field and epoch.
    case duplicateRow(component: String, field: String, epoch: Int)
    /// A FITS header lacks a restoring-beam keyword (BMAJ, BMIN, BPA).
    case missingBeam(keyword: String)
    /// Field catalogues being concatenated have different columns.
    case columnMismatch(String)
    /// Writing a catalogue file failed.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case .missingColumn(let c, let column):
            return "component \(c): the Stokes I catalogue row has no column \(column)"
        case .badValue(let c, let column, let value):
            return "component \(c): column \(column) holds \(value), which is not a number"
        case .missingResult(let c, let summary, let key):
            return "component \(c): the \(summary) summary has no \(key)"
        case .badResult(let c, let summary, let key, let value):
            return "component \(c): \(summary) summary key \(key) holds \(value)"
        case .duplicateRow(let c, let field, let epoch):
            return "component \(c) appears twice for field \(field), epoch \(epoch)"
        case .missingBeam(let keyword):
            return "the cube header has no \(keyword) (restoring beam, degrees)"
        case .columnMismatch(let message):
            return "cannot concatenate catalogues: \(message)"
        case .write(let path, let reason):
            return "cannot write catalogue \(path): \(reason)"
        }
    }
}
