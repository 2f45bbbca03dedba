extension PolarisationCatalogue {
    /// The catalogue as a VOTable 1.3 document (TABLEDATA).
    public func voTable(name: String = "Arrakis") -> String {
        ""
    }

    /// Writes `voTable(name:)` to `path` atomically.
    public func writeVOTable(to path: String, name: String = "Arrakis") throws(CatalogueError) {
        do { try AtomicTextFile.write(voTable(name: name), to: path) }
        catch { throw .write(path: path, reason: "\(error)") }
    }

    /// The catalogue as a FITS binary table (units in TUNITn).
    public func fitsTable(name: String = "Arrakis") -> FITSTable {
        FITSTable(name: name, columns: [])
    }

    /// Writes `fitsTable(name:)` to `path` (an empty primary HDU, then the table), atomically.
    public func writeFITS(to path: String, name: String = "Arrakis") throws(CatalogueError) {
        do {
            let file = try FITSFile.create(path)
            try file.writeTable(fitsTable(name: name))
            try file.commit()
        } catch { throw .write(path: path, reason: "\(error)") }
    }
}
