#if canImport(Glibc)
import Glibc
#endif

/// A CSV file with a header row, read whole. Fields may be double-quoted ("" escapes a
/// quote). Values become integers, doubles, strings, or null when empty.
public struct CSVTable: Sendable {
    public var path: String
    public var header: [String]
    public var rows: [[DocValue]]
    /// 1-based line number of each row, for error messages.
    public var lines: [Int]

    public init(path: String) throws {
        guard let f = fopen(path, "r") else {
            throw StoreError.input("\(path): cannot read: \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            text.append(contentsOf: buffer[0..<n])
        }
        try self.init(path: path, text: String(decoding: text, as: UTF8.self))
    }

    public init(path: String, text: String) throws {
        self.path = path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first, !first.trimmingSpaces.isEmpty else {
            throw StoreError.input("\(path): empty file (expected a header row)")
        }
        header = try CSVTable.split(first, path: path, line: 1).map { $0.trimmingSpaces }
        rows = []
        self.lines = []
        for (i, line) in lines.enumerated().dropFirst() where !line.trimmingSpaces.isEmpty {
            let fields = try CSVTable.split(line, path: path, line: i + 1)
            guard fields.count == header.count else {
                throw StoreError.input("\(path):\(i + 1): expected \(header.count) fields (\(header.joined(separator: ",")) ), found \(fields.count)")
            }
            rows.append(fields.map(CSVTable.value))
            self.lines.append(i + 1)
        }
    }

    /// Index of a required column, or an error naming the file and the column.
    public func column(_ name: String) throws -> Int {
        guard let i = header.firstIndex(of: name) else {
            throw StoreError.input("\(path): missing column \(name) (columns: \(header.joined(separator: ", ")))")
        }
        return i
    }

    /// The row as a document, columns in file order.
    public func document(_ row: Int) -> Document {
        Document(zip(header, rows[row]).map { (key: $0, value: $1) })
    }

    static func value(_ text: String) -> DocValue {
        let t = text.trimmingSpaces
        if t.isEmpty { return .null }
        if let i = Int64(t) { return .int(i) }
        if let d = Double(t) { return .double(d) }
        return .string(text)
    }

    static func split(_ line: Substring, path: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if quoted {
                if c == "\"" {
                    let next = line.index(after: i)
                    if next < line.endIndex, line[next] == "\"" { current.append("\""); i = next } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
            i = line.index(after: i)
        }
        if quoted { throw StoreError.input("\(path):\(number): unterminated quoted field") }
        fields.append(current)
        return fields
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
