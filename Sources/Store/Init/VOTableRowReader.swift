/// The first table of a VOTable (IVOA VOTable 1.x, as Selavy and astropy write them), read a
/// row at a time from its TABLEDATA. Values are typed by each FIELD's datatype: integers,
/// floating point (NaN and infinities as written), booleans, text, and arrays of numbers
/// when the FIELD has an arraysize; an empty cell or the FIELD's VALUES null is null.
/// BINARY, BINARY2 and FITS serialisations are refused with a message saying how to convert.
final class VOTableRowReader: CatalogueRows {
    struct Field {
        var name: String
        var datatype: String
        var isArray: Bool
        var null: String?
    }

    static let datatypes: Set<String> = ["boolean", "bit", "unsignedByte", "short", "int", "long", "char", "unicodeChar",
                                         "float", "double", "floatComplex", "doubleComplex"]

    let path: String
    let columns: [String]
    private let fields: [Field]
    private let scanner: XMLByteScanner
    private var row = 0
    private var rowLine = 0
    private var finished: Bool

    var location: String { "row \(row) (line \(rowLine))" }

    init(path: String) throws {
        self.path = path
        scanner = try XMLByteScanner(path: path)
        var fields: [Field] = []
        var inTable = false
        var sawRoot = false
        var openField: Int?
        var data = false
        header: while true {
            let token = try scanner.next()
            switch token {
            case .endOfFile:
                if !sawRoot { throw StoreError.input("\(path): empty file (expected a VOTable)") }
                if !inTable { throw StoreError.input("\(path): no TABLE element in the VOTable") }
                throw scanner.fail("the file ends before the table's DATA (truncated?)")
            case .text:
                continue
            case .end(let name):
                if name == "FIELD" { openField = nil }
                if inTable && name == "TABLE" { break header }
            case .start(let name, let attributes, let empty):
                if !sawRoot {
                    guard name == "VOTABLE" else {
                        throw scanner.fail("not a VOTable: the root element is <\(name)>, expected <VOTABLE>")
                    }
                    sawRoot = true
                    continue
                }
                if !inTable {
                    if name == "TABLE" { inTable = true }
                    continue
                }
                switch name {
                case "FIELD":
                    guard let fieldName = attributes["name"] ?? attributes["ID"] else {
                        throw scanner.fail("a FIELD without a name")
                    }
                    guard let datatype = attributes["datatype"] else {
                        throw scanner.fail("FIELD \(fieldName) has no datatype")
                    }
                    guard Self.datatypes.contains(datatype) else {
                        throw scanner.fail("FIELD \(fieldName) has datatype \(datatype), which VOTable does not define")
                    }
                    let arraysize = attributes["arraysize"]
                    let isText = datatype == "char" || datatype == "unicodeChar"
                    let isArray = !isText && (datatype.hasSuffix("Complex") || (arraysize != nil && arraysize != "1"))
                    fields.append(Field(name: fieldName, datatype: datatype, isArray: isArray, null: nil))
                    if !empty { openField = fields.count - 1 }
                case "VALUES":
                    if let f = openField, let null = attributes["null"] { fields[f].null = null }
                case "DATA":
                    data = true
                    break header
                default:
                    continue
                }
            }
        }
        guard !fields.isEmpty else { throw StoreError.input("\(path): the VOTable's first TABLE has no FIELD") }
        self.fields = fields
        self.columns = fields.map(\.name)
        finished = !data
        if data {
            // The serialisation: the next element inside DATA.
            while true {
                let token = try scanner.next()
                switch token {
                case .text: continue
                case .start("TABLEDATA", _, let empty):
                    finished = empty
                case .start(let other, _, _):
                    throw scanner.fail("the table is serialised as \(other); only TABLEDATA is read (convert with astropy: votable.parse(...).to_xml(path, tabledata_format='tabledata'), or give a FITS or CSV catalogue)")
                case .end("DATA"):
                    finished = true
                case .end(let other):
                    throw scanner.fail("unexpected </\(other)> in DATA")
                case .endOfFile:
                    throw scanner.fail("the file ends inside DATA (truncated?)")
                }
                break
            }
        }
    }

    func next() throws -> [DocValue]? {
        guard !finished else { return nil }
        while true {
            let token = try scanner.next()
            switch token {
            case .text(let t):
                guard t.allSatisfy(\.isWhitespace) else { throw scanner.fail("text outside a TD: \(t.prefix(40))") }
            case .start("TR", _, let empty):
                row += 1
                rowLine = scanner.line
                return try cells(empty: empty)
            case .end("TABLEDATA"):
                finished = true
                return nil
            case .start(let name, _, _):
                throw scanner.fail("unexpected <\(name)> in TABLEDATA (expected <TR>)")
            case .end(let name):
                throw scanner.fail("unexpected </\(name)> in TABLEDATA")
            case .endOfFile:
                throw scanner.fail("the file ends inside TABLEDATA after row \(row) (truncated?)")
            }
        }
    }

    /// The TDs of one TR, converted.
    private func cells(empty: Bool) throws -> [DocValue] {
        var texts: [String] = []
        texts.reserveCapacity(fields.count)
        if !empty {
            rowLoop: while true {
                let token = try scanner.next()
                switch token {
                case .text(let t):
                    guard t.allSatisfy(\.isWhitespace) else { throw scanner.fail("row \(row): text outside a TD: \(t.prefix(40))") }
                case .start("TD", _, let emptyCell):
                    var text = ""
                    if !emptyCell {
                        cell: while true {
                            switch try scanner.next() {
                            case .text(let t): text += t
                            case .end("TD"): break cell
                            case .endOfFile: throw scanner.fail("the file ends inside row \(row) (truncated?)")
                            case .start(let name, _, _): throw scanner.fail("row \(row): unexpected <\(name)> inside a TD")
                            case .end(let name): throw scanner.fail("row \(row): unexpected </\(name)> inside a TD")
                            }
                        }
                    }
                    texts.append(text)
                case .end("TR"):
                    break rowLoop
                case .start(let name, _, _):
                    throw scanner.fail("row \(row): unexpected <\(name)> (expected <TD>)")
                case .end(let name):
                    throw scanner.fail("row \(row): unexpected </\(name)> (expected </TR>)")
                case .endOfFile:
                    throw scanner.fail("the file ends inside row \(row) (truncated?)")
                }
            }
        }
        // Counted before any is converted: a missing cell shifts the rest into wrong columns.
        guard texts.count == fields.count else {
            throw scanner.fail("row \(row) has \(texts.count) cells, expected \(fields.count) (\(columns.joined(separator: ",")))")
        }
        return try zip(texts, fields).map { try value($0, $1) }
    }

    private func value(_ raw: String, _ field: Field) throws -> DocValue {
        let text = raw.trimmingSpaces
        switch field.datatype {
        case "char", "unicodeChar":
            var s = Substring(raw)
            while let last = s.last, last == " " || last == "\t" || last == "\n" || last == "\r" { s.removeLast() }
            return s.isEmpty ? .null : .string(String(s))
        default:
            break
        }
        if text.isEmpty || text == field.null { return .null }
        if field.isArray {
            return .array(try text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                .map { try scalar(String($0), field) })
        }
        return try scalar(text, field)
    }

    private func scalar(_ text: String, _ field: Field) throws -> DocValue {
        if text == field.null { return .null }
        switch field.datatype {
        case "boolean":
            switch text.lowercased() {
            case "t", "true", "1": return .bool(true)
            case "f", "false", "0": return .bool(false)
            case "?": return .null
            default: throw scanner.fail("row \(row), \(field.name): '\(text)' is not a boolean")
            }
        case "bit", "unsignedByte", "short", "int", "long":
            if let i = Int64(text) { return .int(i) }
            if text.lowercased().hasPrefix("0x"), let i = Int64(text.dropFirst(2), radix: 16) { return .int(i) }
            throw scanner.fail("row \(row), \(field.name): '\(text)' is not an integer (\(field.datatype))")
        case "float", "double", "floatComplex", "doubleComplex":
            if let d = Double(text) { return .double(d) }
            switch text.lowercased() {
            case "nan": return .double(.nan)
            case "+inf", "inf", "infinity", "+infinity": return .double(.infinity)
            case "-inf", "-infinity": return .double(-.infinity)
            default: throw scanner.fail("row \(row), \(field.name): '\(text)' is not a number (\(field.datatype))")
            }
        default:
            throw scanner.fail("FIELD \(field.name) has datatype \(field.datatype), which VOTable does not define")
        }
    }
}
