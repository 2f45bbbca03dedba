#if canImport(Glibc)
import Glibc
#endif

/// A CSV table read a line at a time through a 1 MiB buffer. The same dialect and
/// values as `CSVTable`: a header row, double-quoted fields ("" escapes a quote),
/// integers, doubles, strings, or null when empty; blank lines are skipped.
final class CSVRowReader: CatalogueRows {
    let path: String
    private(set) var columns: [String] = []
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private var line = 0

    var location: String { "line \(line)" }

    init(path: String) throws {
        guard let f = fopen(path, "r") else {
            throw StoreError.input("\(path): cannot read: \(String(cString: strerror(errno)))")
        }
        file = f
        self.path = path
        guard let header = try nextLine() else {
            throw StoreError.input("\(path): empty file (expected a header row)")
        }
        let text = String(decoding: header, as: UTF8.self)
        guard !text.trimmingSpaces.isEmpty else { throw StoreError.input("\(path): empty file (expected a header row)") }
        columns = try CSVTable.split(Substring(text), path: path, line: 1).map { $0.trimmingSpaces }
    }

    deinit { fclose(file) }

    /// The next line without its `\n` (and `\r`), or nil at the end of the file.
    private func nextLine() throws -> ArraySlice<UInt8>? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 10) {
                var end = nl
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let slice = buffer[start..<end]
                start = nl + 1
                line += 1
                return slice
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 13 { end -= 1 }
                let slice = buffer[start..<end]
                start = buffer.count
                line += 1
                return slice
            }
            buffer.removeSubrange(0..<start)
            start = 0
            let old = buffer.count
            buffer.reserveCapacity(old + (1 << 20))
            buffer.append(contentsOf: repeatElement(0, count: 1 << 20))
            let n = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress! + old, 1, 1 << 20, file) }
            buffer.removeLast((1 << 20) - n)
            if n == 0 {
                if ferror(file) != 0 { throw StoreError.input("\(path): cannot read: \(String(cString: strerror(errno)))") }
                atEnd = true
            }
        }
    }

    func next() throws -> [DocValue]? {
        while let bytes = try nextLine() {
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            var values: [DocValue] = []
            values.reserveCapacity(columns.count)
            if bytes.contains(34) {
                // Quoted fields: the general splitter.
                let text = String(decoding: bytes, as: UTF8.self)
                values = try CSVTable.split(Substring(text), path: path, line: line).map(CSVTable.value)
            } else {
                var fieldStart = bytes.startIndex
                for i in bytes.indices where bytes[i] == 44 {
                    values.append(Self.value(bytes[fieldStart..<i]))
                    fieldStart = i + 1
                }
                values.append(Self.value(bytes[fieldStart..<bytes.endIndex]))
            }
            try checkCount(values.count)
            return values
        }
        return nil
    }

    /// A row as `nextCells` gives it: the line and each field's range in it, or, for a line
    /// with quoted fields, its values from the general splitter.
    enum RawRow {
        case cells(ArraySlice<UInt8>)
        case values([DocValue])
    }

    /// The next row without making its values: `cells` receives each field's range in the
    /// line (valid until the next call). Nil at the end of the file.
    func nextCells(_ cells: inout [Range<Int>]) throws -> RawRow? {
        while let bytes = try nextLine() {
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            if bytes.contains(34) {
                let text = String(decoding: bytes, as: UTF8.self)
                let values = try CSVTable.split(Substring(text), path: path, line: line).map(CSVTable.value)
                try checkCount(values.count)
                return .values(values)
            }
            cells.removeAll(keepingCapacity: true)
            var fieldStart = bytes.startIndex
            for i in bytes.indices where bytes[i] == 44 {
                cells.append(fieldStart..<i)
                fieldStart = i + 1
            }
            cells.append(fieldStart..<bytes.endIndex)
            try checkCount(cells.count)
            return .cells(bytes)
        }
        return nil
    }

    private func checkCount(_ found: Int) throws {
        guard found == columns.count else {
            throw StoreError.input("\(path):\(line): expected \(columns.count) fields (\(columns.joined(separator: ",")) ), found \(found)")
        }
    }

    /// As `CSVTable.value`, from bytes: integers first, then doubles, else the text.
    static func value(_ bytes: ArraySlice<UInt8>) -> DocValue {
        var lo = bytes.startIndex, hi = bytes.endIndex
        while lo < hi && (bytes[lo] == 32 || bytes[lo] == 9) { lo += 1 }
        while hi > lo && (bytes[hi - 1] == 32 || bytes[hi - 1] == 9) { hi -= 1 }
        if lo == hi { return .null }
        let first = bytes[lo]
        // Only text that starts like a number can be one.
        if (first >= 48 && first <= 57) || first == 45 || first == 43 || first == 46 || first == 73 || first == 78 || first == 105 || first == 110 {
            if let i = integer(bytes[lo..<hi]) { return .int(i) }
            if hi - lo <= 18, (first >= 48 && first <= 57) || first == 45 || first == 46,
               let d = decimal(bytes[lo..<hi]) {
                return .double(d)
            }
            let t = String(decoding: bytes[lo..<hi], as: UTF8.self)
            if let i = Int64(t) { return .int(i) }
            if let d = Double(t) { return .double(d) }
        }
        return .string(String(decoding: bytes, as: UTF8.self))
    }

    /// A short plain decimal number (`-12.5`, `3e-4`: digits, sign, point, exponent only),
    /// parsed by strtod from a stack copy without making a String; nil for anything else,
    /// which then takes the general path.
    static func decimal(_ bytes: ArraySlice<UInt8>) -> Double? {
        for b in bytes where !((b >= 48 && b <= 57) || b == 45 || b == 43 || b == 46 || b == 101 || b == 69) {
            return nil
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 32) { buffer -> Double? in
            var n = 0
            for b in bytes { buffer[n] = CChar(bitPattern: b); n += 1 }
            buffer[n] = 0
            var end: UnsafeMutablePointer<CChar>?
            let d = strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + n else { return nil }
            return d
        }
    }

    /// A plain decimal integer (optional sign, up to 18 digits), else nil.
    static func integer(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var i = bytes.startIndex
        var negative = false
        if bytes[i] == 45 || bytes[i] == 43 { negative = bytes[i] == 45; i += 1 }
        guard i < bytes.endIndex, bytes.endIndex - i <= 18 else { return nil }
        var n: Int64 = 0
        while i < bytes.endIndex {
            let d = bytes[i]
            guard d >= 48 && d <= 57 else { return nil }
            n = n * 10 + Int64(d - 48)
            i += 1
        }
        return negative ? -n : n
    }
}
