import Astro

/// A Stokes I catalogue table (islands or components) read from FITS or CSV, one
/// document per row with the columns in file order.
public struct CatalogueFile: Sendable {
    public var path: String
    public var columns: [String]
    public var rows: [Document]

    public static let islandColumns = ["Source_Name", "Source_ID", "Tile_ID", "RA", "Dec"]
    public static let componentColumns = ["Source_ID", "Gaussian_ID", "RA", "Dec", "Maj"]

    /// Reads `path` (`.fits`/`.fit`/`.fits.gz` through cfitsio, else CSV) and checks that
    /// the `required` columns exist, the table is not empty, and `key` is unique.
    public init(path: String, required: [String], key: String) throws {
        self.path = path
        let lower = path.lowercased()
        if lower.hasSuffix(".fits") || lower.hasSuffix(".fit") || lower.hasSuffix(".fits.gz") {
            let table: FITSTable
            do {
                table = try FITSFile.open(path).readTable()
            } catch let error as FITSError {
                throw StoreError.input(error.description)
            }
            columns = table.columns.map(\.name)
            rows = (0..<table.rowCount).map { r in
                Document(table.columns.map { column in (key: column.name, value: CatalogueFile.value(column.data, r)) })
            }
        } else {
            let csv = try CSVTable(path: path)
            columns = csv.header
            rows = csv.rows.indices.map(csv.document)
        }
        for name in required where !columns.contains(name) {
            throw StoreError.input("\(path): missing column \(name) (a catalogue needs \(required.joined(separator: ", ")); found \(columns.prefix(12).joined(separator: ", "))\(columns.count > 12 ? ", ..." : ""))")
        }
        if rows.isEmpty { throw StoreError.input("\(path): the catalogue has no rows") }
        var seen: [String: Int] = [:]
        for (i, row) in rows.enumerated() {
            guard let id = row[key]?.string, !id.isEmpty else {
                throw StoreError.input("\(path): row \(i + 1) has no \(key)")
            }
            if let first = seen.updateValue(i, forKey: id) {
                throw StoreError.input("\(path): duplicate \(key) \(id) in rows \(first + 1) and \(i + 1)")
            }
        }
    }

    static func value(_ data: FITSColumnData, _ r: Int) -> DocValue {
        switch data {
        case .real(let v): return .double(v[r])
        case .integer(let v): return v[r].map { .int(Int64($0)) } ?? .null
        case .logical(let v): return v[r].map(DocValue.bool) ?? .null
        case .string(let v): return .string(v[r])
        }
    }
}
