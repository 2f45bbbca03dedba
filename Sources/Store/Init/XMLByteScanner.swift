#if canImport(Glibc)
import Glibc
#endif

/// A forward-only scanner over an XML file read through a 1 MiB buffer: enough XML for
/// catalogue tables (elements, attributes, character data, entities, CDATA, comments and
/// processing instructions skipped), with the line number of every position for messages.
/// It never holds more of the file than the piece being scanned.
final class XMLByteScanner {
    enum Token: Equatable {
        /// `<NAME a="v">`, or `<NAME a="v"/>` with `empty` set.
        case start(name: String, attributes: [String: String], empty: Bool)
        /// `</NAME>`
        case end(name: String)
        /// Character data between two tags, entities decoded; whitespace-only runs are kept.
        case text(String)
        case endOfFile
    }

    let path: String
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    /// The line of `position`.
    private(set) var line = 1
    private static let chunk = 1 << 20

    init(path: String) throws {
        guard let f = fopen(path, "r") else {
            throw StoreError.input("\(path): cannot read: \(String(cString: strerror(errno)))")
        }
        file = f
        self.path = path
    }

    deinit { fclose(file) }

    func fail(_ message: String) -> StoreError {
        StoreError.input("\(path):\(line): \(message)")
    }

    /// Makes at least `count` bytes available from `position` unless the file ends first.
    /// Returns false at the end of the file.
    private func fill(_ count: Int) throws -> Bool {
        if position + count <= buffer.count { return true }
        if atEnd { return false }
        buffer.removeSubrange(0..<position)
        position = 0
        while buffer.count < count && !atEnd {
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: Self.chunk))
            let n = buffer.withUnsafeMutableBufferPointer { fread($0.baseAddress! + old, 1, Self.chunk, file) }
            buffer.removeLast(Self.chunk - n)
            if n == 0 {
                if ferror(file) != 0 { throw StoreError.input("\(path): cannot read: \(String(cString: strerror(errno)))") }
                atEnd = true
            }
        }
        return buffer.count >= count
    }

    /// The bytes up to (not including) `terminator`, which is consumed too; nil if the
    /// file ends first. Lines are counted over everything consumed.
    private func take(until terminator: [UInt8]) throws -> [UInt8]? {
        var searchFrom = position
        while true {
            if let found = Self.find(terminator, in: buffer, from: searchFrom) {
                let bytes = Array(buffer[position..<found])
                countLines(bytes)
                countLines(terminator)
                position = found + terminator.count
                return bytes
            }
            if atEnd { return nil }
            // Read more and search only the new part (less an overlap for a split terminator).
            let searched = max(0, buffer.count - position - terminator.count + 1)
            _ = try fill(buffer.count - position + Self.chunk)
            searchFrom = position + searched
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, from < haystack.count else { return nil }
        var i = from
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first {
                var j = 1
                while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }

    private func countLines(_ bytes: [UInt8]) {
        for b in bytes where b == 10 { line += 1 }
    }

    /// The next token; comments, processing instructions and DOCTYPE are skipped.
    func next() throws -> Token {
        while true {
            guard try fill(1) else { return .endOfFile }
            if buffer[position] != 60 {  // character data up to the next '<'
                guard let bytes = try take(until: [60]) else {
                    let rest = Array(buffer[position...])
                    countLines(rest)
                    position = buffer.count
                    if rest.allSatisfy(Self.isSpace) { return .endOfFile }
                    throw fail("the file ends inside character data (truncated?)")
                }
                position -= 1  // leave the '<' for the tag
                return .text(try decode(bytes))
            }
            _ = try fill(9)
            if hasPrefix("<!--") {
                guard try take(until: Array("-->".utf8)) != nil else { throw fail("a comment is not closed (truncated?)") }
                continue
            }
            if hasPrefix("<![CDATA[") {
                position += 9
                guard let bytes = try take(until: Array("]]>".utf8)) else { throw fail("a CDATA section is not closed (truncated?)") }
                return .text(String(decoding: bytes, as: UTF8.self))
            }
            if hasPrefix("<?") || hasPrefix("<!") {
                guard try take(until: [62]) != nil else { throw fail("a declaration is not closed (truncated?)") }
                continue
            }
            position += 1
            let startLine = line
            guard let bytes = try take(until: [62]) else {
                throw StoreError.input("\(path):\(startLine): a tag is not closed (truncated?)")
            }
            return try tag(bytes, line: startLine)
        }
    }

    private func hasPrefix(_ s: String) -> Bool {
        let p = Array(s.utf8)
        guard position + p.count <= buffer.count else { return false }
        for (i, b) in p.enumerated() where buffer[position + i] != b { return false }
        return true
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 }

    /// Parses the inside of `<...>`.
    private func tag(_ bytes: [UInt8], line: Int) throws -> Token {
        func bad(_ why: String) -> StoreError {
            StoreError.input("\(path):\(line): malformed tag <\(String(decoding: bytes.prefix(60), as: UTF8.self))>: \(why)")
        }
        var i = 0
        var n = bytes.count
        if bytes.contains(60) { throw bad("'<' inside a tag (is a tag not closed?)") }
        if bytes.first == 47 {  // '/'
            let name = String(decoding: bytes[1...], as: UTF8.self).trimmingSpaces
            guard !name.isEmpty else { throw bad("an end tag without a name") }
            return .end(name: Self.localName(name))
        }
        var empty = false
        if n > 0 && bytes[n - 1] == 47 { empty = true; n -= 1 }
        while i < n && !Self.isSpace(bytes[i]) { i += 1 }
        let name = String(decoding: bytes[0..<i], as: UTF8.self)
        guard !name.isEmpty else { throw bad("a tag without a name") }
        var attributes: [String: String] = [:]
        while true {
            while i < n && Self.isSpace(bytes[i]) { i += 1 }
            if i >= n { break }
            let nameStart = i
            while i < n && bytes[i] != 61 && !Self.isSpace(bytes[i]) { i += 1 }
            let key = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            while i < n && Self.isSpace(bytes[i]) { i += 1 }
            guard i < n, bytes[i] == 61 else { throw bad("attribute \(key) has no value") }
            i += 1
            while i < n && Self.isSpace(bytes[i]) { i += 1 }
            guard i < n, bytes[i] == 34 || bytes[i] == 39 else { throw bad("attribute \(key)'s value is not quoted") }
            let quote = bytes[i]
            i += 1
            let valueStart = i
            while i < n && bytes[i] != quote { i += 1 }
            guard i < n else { throw bad("attribute \(key)'s value is not closed") }
            attributes[Self.localName(key)] = try decode(Array(bytes[valueStart..<i]))
            i += 1
        }
        return .start(name: Self.localName(name), attributes: attributes, empty: empty)
    }

    /// `vot:TABLE` -> `TABLE`.
    static func localName(_ name: String) -> String {
        if let colon = name.lastIndex(of: ":") { return String(name[name.index(after: colon)...]) }
        return name
    }

    /// Character data with the five named entities and numeric references decoded.
    func decode(_ bytes: [UInt8]) throws -> String {
        guard bytes.contains(38) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 38 else { out.append(bytes[i]); i += 1; continue }
            guard let semi = bytes[i...].firstIndex(of: 59), semi - i <= 10 else {
                throw fail("an '&' that starts no entity (write &amp;)")
            }
            let entity = String(decoding: bytes[(i + 1)..<semi], as: UTF8.self)
            let scalar: Unicode.Scalar?
            switch entity {
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "amp": scalar = "&"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                } else {
                    scalar = nil
                }
            }
            guard let scalar else { throw fail("unknown entity &\(entity);") }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            i = semi + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
