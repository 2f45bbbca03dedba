/// `{x.stem}`, `{x.name}`, `{x.dir}`, `{x.ext}` on path-like strings.
package enum PathAttributes {
    package static let names = ["stem", "name", "dir", "ext"]

    package static func apply(_ attribute: String, to path: String) -> String? {
        let slash = path.lastIndex(of: "/")
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        switch attribute {
        case "name": return name
        case "dir": return slash.map { String(path[..<$0]) } ?? "."
        case "stem":
            if let dot = name.lastIndex(of: "."), dot > name.startIndex { return String(name[..<dot]) }
            return name
        case "ext":
            if let dot = name.lastIndex(of: "."), dot > name.startIndex { return String(name[dot...]) }
            return ""
        default: return nil
        }
    }
}
