import Foundation

/// Lexical path arithmetic for `include`: directories, joining and normalising.
enum SourcePath {
    /// The directory part of `path` ("" for a bare file name, "/" for a file in the root).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// `relative` resolved against `directory` (an absolute `relative` stands alone),
    /// with `.` and `name/..` removed.
    static func join(_ directory: String, _ relative: String) -> String {
        if relative.hasPrefix("/") || directory.isEmpty { return normalize(relative) }
        return normalize(directory + "/" + relative)
    }

    static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            if part == "..", absolute { continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// A key that is equal for two spellings of the same file: absolute, with symlinks
    /// resolved when the file exists.
    static func identity(of path: String) -> String {
        let absolute = path.hasPrefix("/")
            ? path
            : join(FileManager.default.currentDirectoryPath, path)
        let url = URL(fileURLWithPath: absolute)
        if FileManager.default.fileExists(atPath: absolute) {
            return url.resolvingSymlinksInPath().path
        }
        return normalize(absolute)
    }
}
