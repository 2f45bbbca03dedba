/// Turns a catalogue into a FITS binary table: reals as 1D (NaN for null), integers as 1J
/// (1K when a value does not fit 32 bits) with TNULL when any is missing, logicals as 1L,
/// texts as fixed-width A columns (non-ASCII characters written as `?`, FITS strings being
/// ASCII). Units go in TUNITn (FITS syntax); UCDs and descriptions in TUCDn and TCOMMn cards
/// (the convention STIL/TOPCAT reads); `RMTVER` records the RMTable version.
struct FITSCatalogueWriter {
    var tableName: String

    func table(_ catalogue: PolarisationCatalogue) -> FITSTable {
        var header = FITSHeader()
        header.set("RMTVER", .string("1.3"), comment: "RMTable standard version")
        header.set("ORIGIN", .string("Arrakis-Swift"), comment: "polarisation catalogue")
        var columns: [FITSColumn] = []
        for (index, column) in catalogue.columns.enumerated() {
            let n = index + 1
            header.set("TUCD\(n)", .string(column.ucd))
            header.set("TCOMM\(n)", .string(column.description))
            columns.append(Self.fitsColumn(column))
        }
        return FITSTable(name: tableName, columns: columns, header: header)
    }

    static func fitsColumn(_ column: CatalogueColumn) -> FITSColumn {
        switch column.values {
        case .real(let v):
            return FITSColumn(column.name, .real(v), format: .float64, unit: column.unit.fits)
        case .integer(let v):
            let fits32 = v.allSatisfy { $0.map { $0 > Int(Int32.min) && $0 <= Int(Int32.max) } ?? true }
            return FITSColumn(column.name, .integer(v), format: fits32 ? .int32 : .int64, unit: column.unit.fits)
        case .logical(let v):
            return FITSColumn(column.name, .logical(v.map { $0 }), format: .logical, unit: column.unit.fits)
        case .text(let v):
            let ascii = v.map { String(String.UnicodeScalarView($0.unicodeScalars.map { $0.isASCII ? $0 : "?" })) }
            let width = max(1, ascii.map(\.utf8.count).max() ?? 1)
            return FITSColumn(column.name, .string(ascii), format: .string(width: width), unit: column.unit.fits)
        }
    }
}
