/// Writes a catalogue as a VOTable 1.3 document with TABLEDATA serialisation.
///
/// Types: reals are `double` (null: `NaN`, infinities `+Inf`/`-Inf`, as the standard spells
/// them); integers `int` (`long` if a value does not fit 32 bits) with
/// `<VALUES null="..."/>` when any is missing; logicals `boolean` (`T`/`F`); texts `char`
/// with `arraysize="*"` (`unicodeChar` when a value is not ASCII). Each FIELD carries its
/// unit (CDS syntax, as VOTable 1.3 asks), UCD and a DESCRIPTION. The table's PARAMs are
/// the ones CASDA wants (catalogue name, indexed and principal fields).
struct VOTableWriter {
    var tableName: String

    static let indexedFields = "ra,dec,cat_id,source_id"
    static let principalFields = "ra,dec,cat_id,source_id,rm,polint,snr_polint,fracpol,stokesI,sigma_add"

    func document(_ catalogue: PolarisationCatalogue) -> String {
        var out = """
            <?xml version="1.0" encoding="UTF-8"?>
            <VOTABLE version="1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xmlns="http://www.ivoa.net/xml/VOTable/v1.3" \
            xsi:schemaLocation="http://www.ivoa.net/xml/VOTable/v1.3 http://www.ivoa.net/xml/VOTable/VOTable-1.3.xsd">
             <RESOURCE type="results">
              <TABLE name="\(XMLText.escape(tableName))" nrows="\(catalogue.rowCount)">
               <DESCRIPTION>Polarisation catalogue (RMTable v1.3 columns), one row per component, field and epoch</DESCRIPTION>

            """
        out += param("Catalogue_Name", "Catalogue Name", Self.catalogueName(tableName))
        out += param("Indexed_Fields", "Indexed Fields", Self.indexedFields)
        out += param("Principal_Fields", "Principal Fields", Self.principalFields)
        let kinds = catalogue.columns.map(FieldKind.init)
        for (column, kind) in zip(catalogue.columns, kinds) {
            out += field(column, kind)
        }
        out += "   <DATA>\n    <TABLEDATA>\n"
        for row in 0..<catalogue.rowCount {
            out += "     <TR>"
            for (column, kind) in zip(catalogue.columns, kinds) {
                out += "<TD>" + cell(column.values, row, kind) + "</TD>"
            }
            out += "</TR>\n"
        }
        out += "    </TABLEDATA>\n   </DATA>\n  </TABLE>\n </RESOURCE>\n</VOTABLE>\n"
        return out
    }

    /// The original's CASDA catalogue name: the file's base name with `.` and `-` as `_`.
    static func catalogueName(_ name: String) -> String {
        String(name.map { $0 == "." || $0 == "-" ? "_" : $0 })
    }

    private func param(_ id: String, _ name: String, _ value: String) -> String {
        "   <PARAM ID=\"\(id)\" name=\"\(name)\" datatype=\"char\" arraysize=\"*\" value=\"\(XMLText.escape(value))\"/>\n"
    }

    private func field(_ column: CatalogueColumn, _ kind: FieldKind) -> String {
        let name = XMLText.escape(column.name)
        var s = "   <FIELD ID=\"\(name)\" name=\"\(name)\" datatype=\"\(kind.datatype)\""
        if kind.isText { s += " arraysize=\"*\"" }
        if !column.unit.voTable.isEmpty { s += " unit=\"\(XMLText.escape(column.unit.voTable))\"" }
        if !column.ucd.isEmpty { s += " ucd=\"\(XMLText.escape(column.ucd))\"" }
        s += ">\n    <DESCRIPTION>\(XMLText.escape(column.description))</DESCRIPTION>\n"
        if let null = kind.null { s += "    <VALUES null=\"\(null)\"/>\n" }
        return s + "   </FIELD>\n"
    }

    private func cell(_ values: CatalogueValues, _ row: Int, _ kind: FieldKind) -> String {
        switch values {
        case .real(let v):
            let x = v[row]
            if x.isNaN { return "NaN" }
            if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
            return "\(x)"
        case .integer(let v):
            return v[row].map { String($0) } ?? kind.null ?? ""
        case .logical(let v):
            return v[row] ? "T" : "F"
        case .text(let v):
            return XMLText.escape(v[row])
        }
    }

    /// The VOTable datatype of a column and its null value, if it needs one.
    struct FieldKind {
        var datatype: String
        var null: String?
        var isText: Bool { datatype == "char" || datatype == "unicodeChar" }

        init(_ column: CatalogueColumn) {
            switch column.values {
            case .real:
                datatype = "double"
                null = nil
            case .integer(let v):
                let fits32 = v.allSatisfy { $0.map { $0 > Int(Int32.min) && $0 <= Int(Int32.max) } ?? true }
                datatype = fits32 ? "int" : "long"
                null = v.contains(where: { $0 == nil }) ? (fits32 ? String(Int32.min) : String(Int64.min)) : nil
            case .logical:
                datatype = "boolean"
                null = nil
            case .text(let v):
                datatype = v.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) } ? "char" : "unicodeChar"
                null = nil
            }
        }
    }
}
