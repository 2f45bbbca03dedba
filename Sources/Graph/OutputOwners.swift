/// Which instance owns each declared output path, claimed directory and claimed resource
/// of the families expanded so far. Adding an instance that writes what another owns is an
/// `OutputConflict`; a file input that another instance writes (or that lies in a
/// directory it owns) names that instance as the input's producer.
struct OutputOwners {
    private var files: [String: InstanceID] = [:]
    private var directories: [String: InstanceID] = [:]
    private var resources: [String: InstanceID] = [:]

    /// The instance that writes `path`, as declared.
    func file(_ path: String) -> InstanceID? { files[path] }

    var isEmpty: Bool { files.isEmpty }

    /// The instance that declares `path` as an output, or owns a directory holding it.
    /// The second element says whether it is through a directory.
    func producer(of path: String) -> (id: InstanceID, viaDirectory: Bool)? {
        if let id = files[Self.normal(path)] { return (id, false) }
        if directories.isEmpty { return nil }
        var dir = Self.normal(path)
        while let slash = dir.lastIndex(of: "/") {
            dir = String(dir[..<slash])
            if let id = directories[dir] { return (id, true) }
        }
        return nil
    }

    /// Records what `spec` (instance `id`) writes; on a conflict, returns the other owner
    /// and what both write, and records nothing more of `spec`.
    mutating func add(_ spec: TaskSpec, id: InstanceID) -> (owner: InstanceID, what: String)? {
        for o in spec.outputs {
            let p = Self.normal(o)
            if let other = files[p], other != id { return (other, "the file \(o)") }
            if !directories.isEmpty, let (other, dir) = ownerOfEnclosingDirectory(p), other != id {
                return (other, "\(o), in the directory \(dir)")
            }
            files[p] = id
        }
        for c in spec.claims {
            switch c {
            case .directory(let d):
                let dir = Self.normal(d)
                if let other = directories[dir], other != id { return (other, "the directory \(d)") }
                if let (other, outer) = ownerOfEnclosingDirectory(dir), other != id {
                    return (other, "the directory \(d), inside the directory \(outer)")
                }
                let inside = dir + "/"
                if let (path, other) = files.first(where: { $0.value != id && $0.key.hasPrefix(inside) }) {
                    return (other, "\(path), in the directory \(d)")
                }
                if let (path, other) = directories.first(where: { $0.value != id && $0.key.hasPrefix(inside) }) {
                    return (other, "the directory \(path), inside the directory \(d)")
                }
                directories[dir] = id
            case .resource(let r):
                if let other = resources[r], other != id { return (other, r) }
                resources[r] = id
            }
        }
        return nil
    }

    private func ownerOfEnclosingDirectory(_ path: String) -> (InstanceID, String)? {
        var dir = path
        while let slash = dir.lastIndex(of: "/") {
            dir = String(dir[..<slash])
            if let id = directories[dir] { return (id, dir) }
        }
        return nil
    }

    /// `./a//b/` and `a/b` name the same place.
    static func normal(_ path: String) -> String {
        guard path.contains("//") || path.hasPrefix("./") || path.hasSuffix("/") || path.contains("/./") else { return path }
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        return (absolute ? "/" : "") + parts.joined(separator: "/")
    }
}
