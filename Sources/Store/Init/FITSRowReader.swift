import Astro

/// The first binary table of a FITS file, read through cfitsio a block of rows at a time.
final class FITSRowReader: CatalogueRows {
    let path: String
    let columns: [String]
    private let file: FITSFile
    private let rowCount: Int
    private var block: FITSTable?
    private var blockStart = 0
    private var row = -1
    static let blockRows = 50_000

    var location: String { "row \(row + 1)" }

    init(path: String) throws {
        self.path = path
        do {
            file = try FITSFile.open(path)
            try file.moveToFirstTable()
            rowCount = try file.tableRowCount()
            let first = try file.readCurrentTable(rows: 0..<min(rowCount, Self.blockRows))
            columns = first.columns.map(\.name)
            block = first
        } catch let error as FITSError {
            throw StoreError.input(error.description)
        }
    }

    func next() throws -> [DocValue]? {
        row += 1
        guard row < rowCount else { return nil }
        if row >= blockStart + Self.blockRows {
            blockStart = row
            do {
                block = try file.readCurrentTable(rows: row..<min(rowCount, row + Self.blockRows))
            } catch let error as FITSError {
                throw StoreError.input(error.description)
            }
        }
        let r = row - blockStart
        return block!.columns.map { Self.value($0.data, r) }
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
