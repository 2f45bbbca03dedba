import CFITSIO
#if canImport(Glibc)
import Glibc
#endif

extension FITSFile {
    /// Appends `table` as a binary-table extension (after an empty primary HDU when the
    /// file is new). Integer nulls are written with a TNULLn card, real nulls as NaN.
    public func writeTable(_ table: FITSTable) throws {
        let rows = table.rowCount
        for column in table.columns where column.data.count != rows {
            throw FITSError.invalid(path: path, message: "table \(table.name): column \(column.name) has \(column.data.count) rows, the first column has \(rows)")
        }
        try finishCurrentHDU()
        let names = table.columns.map { strdup($0.name) }
        let forms = table.columns.map { strdup($0.format.tform) }
        let units = table.columns.map { strdup($0.unit) }
        defer { (names + forms + units).forEach { free($0) } }
        var ttype = names, tform = forms, tunit = units
        try call("create table \(table.name)") {
            ffcrtb(handle, Int32(BINARY_TBL), Int64(rows), Int32(table.columns.count), &ttype, &tform, &tunit,
                   table.name, &$0)
        }
        try writeCards(table.header, skipping: isStructuralTableKeyword)
        for (index, column) in table.columns.enumerated() where rows > 0 {
            try writeColumn(column, number: Int32(index + 1), table: table.name)
        }
        currentHDUNeedsChecksum = true
    }

    /// Number of rows of the table in the current HDU.
    public func tableRowCount() throws -> Int {
        var rows: Int64 = 0
        try call("count rows") { ffgnrwll(handle, &rows, &$0) }
        return Int(rows)
    }

    /// Moves to the first table extension (the first HDU that is not an image).
    public func moveToFirstTable() throws {
        let count = try hduCount()
        for number in 1...max(1, count) {
            try moveTo(hdu: number)
            var type: Int32 = 0
            try call("read HDU type") { ffghdt(handle, &type, &$0) }
            if type != IMAGE_HDU { return }
        }
        throw FITSError.invalid(path: path, message: "no table extension in the file (\(count) HDUs, all images)")
    }

    /// Reads the binary table in the current HDU, or only the rows in `range` (0-based),
    /// so that a large table can be read a block at a time.
    public func readCurrentTable(rows range: Range<Int>? = nil) throws -> FITSTable {
        var hduType: Int32 = 0
        try call("read HDU type") { ffghdt(handle, &hduType, &$0) }
        guard hduType == BINARY_TBL || hduType == ASCII_TBL else {
            throw FITSError.invalid(path: path, message: "the current HDU is an image, not a table")
        }
        var columnCount: Int32 = 0
        var rows: Int64 = 0
        try call("count columns") { ffgncl(handle, &columnCount, &$0) }
        try call("count rows") { ffgnrwll(handle, &rows, &$0) }
        let header = try readHeader()
        let wanted = (range ?? 0..<Int(rows)).clamped(to: 0..<Int(rows))
        var columns: [FITSColumn] = []
        for number in 1...max(1, columnCount) where columnCount > 0 {
            columns.append(try readColumn(number: number, first: wanted.lowerBound, rows: wanted.count, header: header))
        }
        let extras = FITSHeader(header.cards.filter { !isStructuralTableKeyword($0.keyword) })
        return FITSTable(name: header.string("EXTNAME") ?? "", columns: columns, header: extras)
    }

    /// Moves to the named table extension, or to the first table when `name` is nil,
    /// and reads it.
    public func readTable(extension name: String? = nil) throws -> FITSTable {
        if let name {
            try moveTo(extension: name)
            return try readCurrentTable()
        }
        let count = try hduCount()
        for number in 1...max(1, count) {
            try moveTo(hdu: number)
            var type: Int32 = 0
            try call("read HDU type") { ffghdt(handle, &type, &$0) }
            if type != IMAGE_HDU { return try readCurrentTable() }
        }
        throw FITSError.invalid(path: path, message: "no table extension in the file (\(count) HDUs, all images)")
    }

    // MARK: - Columns

    private func writeColumn(_ column: FITSColumn, number: Int32, table: String) throws {
        let rows = Int64(column.data.count)
        let what = "write column \(column.name)"
        switch column.data {
        case .real(var values):
            try call(what) { ffpcl(handle, TDOUBLE, number, 1, 1, rows, &values, &$0) }
        case .integer(let values):
            let (low, high, null): (Int64, Int64, Int64) = switch column.format {
            case .int16: (Int64(Int16.min) + 1, Int64(Int16.max), Int64(Int16.min))
            case .int32: (Int64(Int32.min) + 1, Int64(Int32.max), Int64(Int32.min))
            default: (Int64.min + 1, Int64.max, Int64.min)
            }
            if let bad = values.compactMap({ $0 }).first(where: { Int64($0) < low || Int64($0) > high }) {
                throw FITSError.invalid(path: path, message: "table \(table): column \(column.name) value \(bad) does not fit its format \(column.format.tform)")
            }
            var raw = values.map { $0.map(Int64.init) ?? null }
            if values.contains(where: { $0 == nil }) {
                try writeCard(FITSCard("TNULL\(number)", .integer(Int(null))))
                try call("set TNULL\(number)") { fftnul(handle, number, null, &$0) }
                var nullValue = null
                try call(what) { ffpcn(handle, TLONGLONG, number, 1, 1, rows, &raw, &nullValue, &$0) }
            } else {
                try call(what) { ffpcl(handle, TLONGLONG, number, 1, 1, rows, &raw, &$0) }
            }
        case .logical(let values):
            var raw: [CChar] = values.map { $0.map { $0 ? 1 : 0 } ?? 2 }
            var nullValue: CChar = 2
            try call(what) { ffpcn(handle, TLOGICAL, number, 1, 1, rows, &raw, &nullValue, &$0) }
        case .string(let values):
            if case .string(let width) = column.format,
               let long = values.first(where: { $0.utf8.count > width }) {
                throw FITSError.invalid(path: path, message: "table \(table): column \(column.name) value '\(long)' is longer than its width \(width)")
            }
            let pointers = values.map { strdup($0) }
            defer { pointers.forEach { free($0) } }
            var array = pointers
            try call(what) { ffpcls(handle, number, 1, 1, rows, &array, &$0) }
        }
    }

    private func readColumn(number: Int32, first: Int = 0, rows: Int, header: FITSHeader) throws -> FITSColumn {
        var name = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var unit = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var dtype = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var display = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var repeatCount: Int64 = 0, tnull: Int64 = 0
        var scale = 1.0, zero = 0.0
        try call("read column \(number) parameters") {
            ffgbclll(handle, number, &name, &unit, &dtype, &repeatCount, &scale, &zero, &tnull, &display, &$0)
        }
        var typecode: Int32 = 0
        var width: Int64 = 0
        try call("read column \(number) type") { ffgtclll(handle, number, &typecode, &repeatCount, &width, &$0) }
        let columnName = String(cBuffer: name)
        let columnUnit = String(cBuffer: unit)
        let what = "read column \(columnName)"
        if typecode != TSTRING && repeatCount != 1 {
            throw FITSError.invalid(path: path, message: "column \(columnName) holds \(repeatCount) values per row (TFORM\(number)); only scalar columns are supported")
        }
        let n = Int64(rows)
        let firstRow = Int64(first + 1)
        switch typecode {
        case TFLOAT, TDOUBLE:
            var values = [Double](repeating: .nan, count: rows)
            var null = Double.nan
            var anyNull: Int32 = 0
            if rows > 0 { try call(what) { ffgcv(handle, TDOUBLE, number, firstRow, 1, n, &null, &values, &anyNull, &$0) } }
            return FITSColumn(columnName, .real(values), format: typecode == TFLOAT ? .float32 : .float64, unit: columnUnit)
        case TBYTE, TSBYTE, TSHORT, TUSHORT, TINT, TUINT, TLONG, TULONG, TLONGLONG:
            if scale != 1 || zero.rounded() != zero {
                var values = [Double](repeating: .nan, count: rows)
                var null = Double.nan
                var anyNull: Int32 = 0
                if rows > 0 { try call(what) { ffgcv(handle, TDOUBLE, number, firstRow, 1, n, &null, &values, &anyNull, &$0) } }
                return FITSColumn(columnName, .real(values), format: .float64, unit: columnUnit)
            }
            var values = [Int64](repeating: 0, count: rows)
            var nulls = [CChar](repeating: 0, count: rows)
            var anyNull: Int32 = 0
            if rows > 0 { try call(what) { ffgcf(handle, TLONGLONG, number, firstRow, 1, n, &values, &nulls, &anyNull, &$0) } }
            let format: FITSColumnFormat = switch typecode {
            case TSHORT, TBYTE, TSBYTE: .int16
            case TINT, TLONG, TUSHORT: .int32
            default: .int64
            }
            return FITSColumn(columnName, .integer(zip(values, nulls).map { $1 != 0 ? nil : Int($0) }),
                              format: format, unit: columnUnit)
        case TLOGICAL:
            var values = [CChar](repeating: 0, count: rows)
            var nulls = [CChar](repeating: 0, count: rows)
            var anyNull: Int32 = 0
            if rows > 0 { try call(what) { ffgcf(handle, TLOGICAL, number, firstRow, 1, n, &values, &nulls, &anyNull, &$0) } }
            return FITSColumn(columnName, .logical(zip(values, nulls).map { $1 != 0 ? nil : $0 != 0 }),
                              format: .logical, unit: columnUnit)
        case TSTRING:
            let size = Int(max(width, repeatCount)) + 1
            var buffers: [UnsafeMutablePointer<CChar>?] = (0..<rows).map { _ in
                let p = UnsafeMutablePointer<CChar>.allocate(capacity: size)
                p.initialize(repeating: 0, count: size)
                return p
            }
            defer { buffers.forEach { $0?.deallocate() } }
            var null: [CChar] = [0]
            var anyNull: Int32 = 0
            if rows > 0 { try call(what) { ffgcvs(handle, number, firstRow, 1, n, &null, &buffers, &anyNull, &$0) } }
            // Trailing blanks are not significant in FITS strings.
            let values = buffers.map { pointer in
                var s = String(cString: pointer!)
                while s.hasSuffix(" ") { s.removeLast() }
                return s
            }
            return FITSColumn(columnName, .string(values), format: .string(width: Int(repeatCount)), unit: columnUnit)
        default:
            throw FITSError.invalid(path: path, message: "column \(columnName) has an unsupported type (TFORM\(number) = '\(header.string("TFORM\(number)") ?? "?")')")
        }
    }
}
