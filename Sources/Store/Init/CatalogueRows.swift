/// A catalogue table read one row at a time, so that millions of rows never sit in
/// memory together: CSV (`CSVRowReader`), a FITS binary table (`FITSRowReader`) or a
/// VOTable (`VOTableRowReader`).
protocol CatalogueRows: AnyObject {
    var path: String { get }
    var columns: [String] { get }
    /// The next row's values in column order, or nil at the end of the table.
    func next() throws -> [DocValue]?
    /// Where the row last returned is, for messages: `line 12` or `row 11`.
    var location: String { get }
}

enum CatalogueRowsOpener {
    /// `.fits`/`.fit`/`.fits.gz` through cfitsio, `.xml`/`.vot`/`.votable` as a VOTable,
    /// anything else as CSV. Duplicate column
    /// names are refused (a document cannot hold two fields of one name).
    static func open(_ path: String) throws -> CatalogueRows {
        let lower = path.lowercased()
        let rows: CatalogueRows
        if lower.hasSuffix(".fits") || lower.hasSuffix(".fit") || lower.hasSuffix(".fits.gz") {
            rows = try FITSRowReader(path: path)
        } else if lower.hasSuffix(".xml") || lower.hasSuffix(".vot") || lower.hasSuffix(".votable") {
            rows = try VOTableRowReader(path: path)
        } else {
            rows = try CSVRowReader(path: path)
        }
        var seen = Set<String>()
        for name in rows.columns where !seen.insert(name).inserted {
            throw StoreError.input("\(path): column \(name) appears twice")
        }
        return rows
    }
}
