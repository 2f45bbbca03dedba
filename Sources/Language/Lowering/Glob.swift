import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file pattern: `*` and `?` within one path segment, and named wildcards `{name}` that
/// match a non-empty part of a segment and are returned as captures
/// (`glob("inputs/{name}.txt")` binds `name`). A wildcard used twice must match the same text.
/// Hidden entries and arrakis temporaries are never matched. Results are sorted by path.
public struct Glob: Sendable {
    enum Piece: Sendable, Equatable {
        case literal(String)
        case star
        case question
        /// A named wildcard and its index in `captureNames`.
        case capture(String, Int)
    }

    public let pattern: String
    let segments: [[Piece]]
    let absolute: Bool

    public struct Match: Sendable, Equatable {
        public var path: String
        /// Values of the wildcards, in the order of `captureNames`.
        public var captures: [String]
    }

    public init(_ pattern: String) {
        self.pattern = pattern
        absolute = pattern.hasPrefix("/")
        var names: [String] = []
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { Glob.parseSegment($0, names: &names) }
        captureNames = names
    }

    /// Wildcard names in order of first appearance.
    public let captureNames: [String]

    /// Wildcards written in the pattern, counting repeats.
    public var wildcardCount: Int {
        segments.reduce(0) { n, seg in n + seg.filter { if case .capture = $0 { return true } else { return false } }.count }
    }

    /// True when the pattern has `*` or `?`: several paths can then bind the same captures.
    public var hasAnonymousWildcards: Bool {
        segments.contains { $0.contains { $0 == .star || $0 == .question } }
    }

    public var hasWildcards: Bool {
        segments.contains { $0.contains { if case .literal = $0 { return false } else { return true } } }
    }

    static func parseSegment(_ s: Substring, names: inout [String]) -> [Piece] {
        var pieces: [Piece] = []
        var lit = ""
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "*" || c == "?" {
                if !lit.isEmpty { pieces.append(.literal(lit)); lit = "" }
                if c == "*" { if pieces.last != .star { pieces.append(.star) } } else { pieces.append(.question) }
            } else if c == "{", let close = s[i...].firstIndex(of: "}") {
                if !lit.isEmpty { pieces.append(.literal(lit)); lit = "" }
                let name = String(s[s.index(after: i)..<close])
                if !names.contains(name) { names.append(name) }
                pieces.append(.capture(name, names.firstIndex(of: name)!))
                i = close
            } else {
                lit.append(c)
            }
            i = s.index(after: i)
        }
        if !lit.isEmpty { pieces.append(.literal(lit)) }
        return pieces
    }

    /// Every existing path matching the pattern, relative patterns resolved against the
    /// current directory.
    public func matches() -> [Match] {
        var directories: [String] = []
        return matches(listing: &directories)
    }

    /// `matches()`, also naming every directory whose listing decided them (listed, or
    /// holding a path the pattern names literally; a missing one too).
    public func matches(listing directories: inout [String]) -> [Match] {
        var out: [Match] = []
        walk(index: 0, prefix: absolute ? "/" : "", captures: Array(repeating: nil, count: captureNames.count),
             into: &out, directories: &directories)
        // Each directory's matches are sorted where they are listed (in parallel), and
        // directories are walked in order, so the whole is usually sorted already.
        var sorted = true
        for i in out.indices.dropFirst() where !(out[i - 1].path < out[i].path) {
            sorted = false
            break
        }
        if !sorted { out.sort { $0.path < $1.path } }
        return out
    }

    private func walk(index: Int, prefix: String, captures: [Substring?], into out: inout [Match],
                      directories: inout [String]) {
        if index == segments.count {
            if !prefix.isEmpty { out.append(match(prefix, captures)) }
            return
        }
        let seg = segments[index]
        let last = index == segments.count - 1
        if seg.count == 1, case .literal(let name) = seg[0] {
            let path = join(prefix, name)
            if last {
                directories.append(prefix.isEmpty ? "." : prefix)
                var st = stat()
                if stat(path, &st) == 0 { out.append(match(path, captures)) }
            } else {
                walk(index: index + 1, prefix: path, captures: captures, into: &out, directories: &directories)
            }
            return
        }
        let dir = prefix.isEmpty ? "." : prefix
        directories.append(dir)
        guard let d = opendir(dir) else { return }
        defer { closedir(d) }
        let allowHidden = { if case .literal(let l) = seg.first, l.hasPrefix(".") { return true }; return false }()
        var subdirectories: [(path: String, captures: [Substring?])] = []
        let firstMatch = out.count
        defer { if last { out[firstMatch...].sort { $0.path < $1.path } } }
        while let ent = readdir(d) {
            // Filter on the C name first: most entries of a big directory are rejected or
            // matched without more work.
            let name: String? = withUnsafePointer(to: &ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { c -> String? in
                    if c[0] == 0x2E /* . */ {
                        if !allowHidden || c[1] == 0 || (c[1] == 0x2E && c[2] == 0) { return nil }
                    }
                    if strstr(c, Glob.temporaryMarker) != nil { return nil }
                    return String(cString: c)
                }
            }
            guard let name else { continue }
            var caps = captures
            guard Glob.match(seg[...], Substring(name), &caps) else { continue }
            let path = join(prefix, name)
            if last {
                out.append(match(path, caps))
            } else {
                let type = ent.pointee.d_type
                if type == UInt8(DT_DIR) || type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) {
                    subdirectories.append((path, caps))
                }
            }
        }
        guard !subdirectories.isEmpty else { return }
        // "name/" orders a directory's paths among its siblings'.
        subdirectories.sort { $0.path + "/" < $1.path + "/" }
        if subdirectories.count < 8 {
            for (path, caps) in subdirectories {
                walk(index: index + 1, prefix: path, captures: caps, into: &out, directories: &directories)
            }
            return
        }
        // Many directories (a survey's fields, a bench's shards): list them in parallel.
        let dirs = subdirectories
        var parts = [([Match], [String])](repeating: ([], []), count: dirs.count)
        parts.withUnsafeMutableBufferPointer { buffer in
            let slots = UnsafeSendableBuffer(buffer)
            DispatchQueue.concurrentPerform(iterations: dirs.count) { i in
                var found: [Match] = []
                var listed: [String] = []
                walk(index: index + 1, prefix: dirs[i].path, captures: dirs[i].captures, into: &found, directories: &listed)
                slots.buffer[i] = (found, listed)
            }
        }
        for p in parts {
            out.append(contentsOf: p.0)
            directories.append(contentsOf: p.1)
        }
    }

    static let temporaryMarker = ".arrakis-tmp"

    private func match(_ path: String, _ captures: [Substring?]) -> Match {
        Match(path: path, captures: captures.map { $0.map(String.init) ?? "" })
    }

    private func join(_ prefix: String, _ name: String) -> String {
        if prefix.isEmpty { return name }
        if prefix.hasSuffix("/") { return prefix + name }
        return prefix + "/" + name
    }

    /// The concatenated text of `pieces` if they are all literals.
    static func literalTail(_ pieces: ArraySlice<Piece>) -> String? {
        var out = ""
        for p in pieces {
            guard case .literal(let l) = p else { return nil }
            out += l
        }
        return out
    }

    /// Backtracking match of one segment's pieces against a name. `caps` holds the value of
    /// each wildcard by its index in `captureNames` (nil while unbound). Literals compare
    /// as UTF-8 bytes; `?` matches one character.
    static func match(_ pieces: ArraySlice<Piece>, _ name: Substring, _ caps: inout [Substring?]) -> Bool {
        guard let first = pieces.first else { return name.isEmpty }
        let rest = pieces.dropFirst()
        switch first {
        case .literal(let l):
            guard name.utf8.starts(with: l.utf8) else { return false }
            return match(rest, Substring(name.utf8.dropFirst(l.utf8.count)), &caps)
        case .question:
            guard !name.isEmpty else { return false }
            return match(rest, name.dropFirst(), &caps)
        case .star, .capture:
            var slot: Int? = nil
            if case .capture(_, let i) = first { slot = i }
            if let i = slot, let bound = caps[i] {
                guard name.utf8.starts(with: bound.utf8) else { return false }
                return match(rest, Substring(name.utf8.dropFirst(bound.utf8.count)), &caps)
            }
            let minLen = slot == nil ? 0 : 1
            // Fast path: only literal text follows, so the wildcard's length is fixed.
            if let tail = Glob.literalTail(rest) {
                guard name.utf8.count >= tail.utf8.count,
                      name.utf8.suffix(tail.utf8.count).elementsEqual(tail.utf8) else { return false }
                let len = name.utf8.count - tail.utf8.count
                guard len >= minLen else { return false }
                if let i = slot { caps[i] = Substring(name.utf8.prefix(len)) }
                return true
            }
            var len = name.count
            // Greedy first: prefer the longest match for the first wildcard.
            while len >= minLen {
                var trial = caps
                if let i = slot { trial[i] = name.prefix(len) }
                if match(rest, name.dropFirst(len), &trial) {
                    caps = trial
                    return true
                }
                len -= 1
            }
            return false
        }
    }
}
