/// Reading a catalogue back from the FITS file `writeFITS` wrote, so that the survey-wide
/// catalogue can be assembled from the field catalogues without redoing their work.
extension PolarisationCatalogue {
    /// The catalogue in `path`. Units, UCDs and descriptions come from the schema (and the
    /// file's TUCDn/TCOMMn for columns the schema does not know); per-field diagnostics are
    /// not stored in the file and come back empty.
    public static func readFITS(_ path: String, options: CatalogueOptions = CatalogueOptions()) throws -> PolarisationCatalogue {
        let table = try FITSFile.open(path).readTable()
        let specs = Dictionary(CatalogueSchema.specs(options).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var columns: [CatalogueColumn] = []
        for (index, column) in table.columns.enumerated() {
            let n = index + 1
            let spec = specs[column.name]
            let values: CatalogueValues
            switch column.data {
            case .real(let v): values = .real(v)
            case .integer(let v): values = .integer(v)
            case .logical(let v): values = .logical(v.map { $0 ?? false })
            case .string(let v): values = .text(v)
            }
            columns.append(CatalogueColumn(column.name, values,
                                           unit: spec?.unit ?? CatalogueUnit(voTable: column.unit, fits: column.unit),
                                           ucd: spec?.ucd ?? table.header.string("TUCD\(n)") ?? "",
                                           description: spec?.description ?? table.header.string("TCOMM\(n)") ?? ""))
        }
        return PolarisationCatalogue(columns: columns, diagnostics: [])
    }
}
