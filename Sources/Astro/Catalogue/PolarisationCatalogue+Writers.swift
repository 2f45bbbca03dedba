extension PolarisationCatalogue {
    /// The catalogue as a VOTable 1.3 document (TABLEDATA); `name` is the TABLE name and,
    /// with `.` and `-` made `_`, the CASDA `Catalogue_Name` PARAM.
    public func voTable(name: String = "Arrakis") -> String {
        VOTableWriter(tableName: name).document(self)
    }

    /// Writes `voTable(name:)` to `path` atomically (a temporary file renamed into place).
    public func writeVOTable(to path: String, name: String = "Arrakis") throws(CatalogueError) {
        do { try AtomicTextFile.write(voTable(name: name), to: path) }
        catch { throw .write(path: path, reason: "\(error)") }
    }

    /// The catalogue as a FITS binary table named `name` (see `FITSCatalogueWriter`).
    public func fitsTable(name: String = "Arrakis") -> FITSTable {
        FITSCatalogueWriter(tableName: name).table(self)
    }

    /// Writes `fitsTable(name:)` to `path` (an empty primary HDU, then the table). The file
    /// appears only when complete (FITSFile writes a temporary file and renames it).
    public func writeFITS(to path: String, name: String = "Arrakis") throws(CatalogueError) {
        do {
            let file = try FITSFile.create(path)
            try file.writeTable(fitsTable(name: name))
            try file.commit()
        } catch { throw .write(path: path, reason: "\(error)") }
    }
}
