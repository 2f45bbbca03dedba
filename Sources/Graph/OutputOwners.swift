import Dispatch

/// Which instance owns each declared output path, claimed directory and claimed resource
/// of the families expanded so far. Adding an instance that writes what another owns is an
/// `OutputConflict`; a file input that another instance writes (or that lies in a
/// directory it owns) names that instance as the input's producer.
///
/// Paths are kept by their XXH3-128 digest (as product keys are) in an open-addressing
/// index: a no-op build of 10^5..10^6 products pays a hash per output, computed in parallel,
/// not a `Dictionary<String, _>` insert.
struct OutputOwners {
    private var files = DigestIndex(capacity: 1024)
    private var directories: [String: InstanceID] = [:]
    private var resources: [String: InstanceID] = [:]

    var isEmpty: Bool { files.count == 0 }

    /// The instance that writes `path`, as declared.
    func file(_ path: String) -> InstanceID? { files[Self.digest(path)].map(Int.init) }

    /// The instance that declares `path` as an output, or owns a directory holding it.
    /// The second element says whether it is through a directory.
    func producer(of path: String) -> (id: InstanceID, viaDirectory: Bool)? {
        if let id = files[Self.digest(path)] { return (Int(id), false) }
        if directories.isEmpty { return nil }
        if let (id, _) = ownerOfEnclosingDirectory(Self.normal(path)) { return (id, true) }
        return nil
    }

    /// Records what `specs` (instances `start...`) write; on a conflict, returns the two
    /// owners and what both write, and records nothing more of the batch.
    mutating func add(_ specs: [TaskSpec], start: Int) -> (owner: InstanceID, id: InstanceID, what: String)? {
        // Declared outputs, hashed in parallel for a big family.
        var offsets = [Int](repeating: 0, count: specs.count + 1)
        // Indexing, not `for t in specs`: each instance read in place, not copied (a copy
        // retains every array and string it holds).
        for i in specs.indices { offsets[i + 1] = offsets[i] + specs[i].outputs.count }
        let total = offsets[specs.count]
        let starts = offsets
        var digests = [Digest](repeating: .zero, count: total)
        let chunks = total < 4096 ? 1 : 4 * ProcessorCount.value
        digests.withUnsafeMutableBufferPointer { buf in
            let out = UncheckedBox(buf)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in specs.count * c / chunks..<specs.count * (c + 1) / chunks {
                    for (k, o) in specs[i].outputs.enumerated() { out.value[starts[i] + k] = Self.digest(o) }
                }
            }
        }
        files.reserve(files.count + total)
        let checkDirectories = !directories.isEmpty
        // Read in place (a copy of an instance retains every array and string it holds).
        return specs.withUnsafeBufferPointer { specs -> (owner: InstanceID, id: InstanceID, what: String)? in
            for i in specs.indices {
                let id = start + i
                let t = specs.baseAddress! + i
                // The slot of an output a few instances ahead (see `DigestIndex.prefetch`).
                if offsets[i] + 8 < total { files.prefetch(digests[offsets[i] + 8]) }
                for (k, o) in t.pointee.outputs.enumerated() {
                    if let other = files.update(Int32(id), forKey: digests[offsets[i] + k]), Int(other) != id {
                        return (Int(other), id, "the file \(o)")
                    }
                    if checkDirectories, let (other, dir) = ownerOfEnclosingDirectory(Self.normal(o)), other != id {
                        return (other, id, "\(o), in the directory \(dir)")
                    }
                }
                if t.hasDefaultRareFields { continue }
                for c in t.pointee.claims {
                    if let conflict = add(c, id: id) { return (conflict.owner, id, conflict.what) }
                }
            }
            return nil
        }
    }

    private mutating func add(_ claim: OutputClaim, id: InstanceID) -> (owner: InstanceID, what: String)? {
        switch claim {
        case .directory(let d):
            let dir = Self.normal(d)
            if let other = directories[dir], other != id { return (other, "the directory \(d)") }
            if let (other, outer) = ownerOfEnclosingDirectory(dir), other != id {
                return (other, "the directory \(d), inside the directory \(outer)")
            }
            if let (path, other) = directories.first(where: { $0.value != id && $0.key.hasPrefix(dir + "/") }) {
                return (other, "the directory \(path), inside the directory \(d)")
            }
            directories[dir] = id
        case .resource(let r):
            if let other = resources[r], other != id { return (other, r) }
            resources[r] = id
        }
        return nil
    }

    /// The directories claimed so far and their owners.
    var directoryClaims: [String: InstanceID] { directories }

    private func ownerOfEnclosingDirectory(_ path: String) -> (InstanceID, String)? {
        var dir = Substring(path)
        while let slash = dir.lastIndex(of: "/") {
            dir = dir[..<slash]
            if let id = directories[String(dir)] { return (id, String(dir)) }
        }
        return nil
    }

    static func digest(_ path: String) -> Digest { Digest(normal(path)) }

    /// `./a//b/` and `a/b` name the same place. One pass over the bytes decides whether a
    /// path needs rewriting (almost none do).
    static func normal(_ path: String) -> String {
        let slash = UInt8(ascii: "/"), dot = UInt8(ascii: ".")
        var needs = false
        var length = 0          // of the current segment
        var onlyDot = false     // the current segment is "."
        var index = 0
        for b in path.utf8 {
            if b == slash {
                if (length == 0 && index > 0) || (length == 1 && onlyDot) { needs = true; break }
                length = 0
            } else {
                onlyDot = length == 0 && b == dot
                length += 1
            }
            index += 1
        }
        if !needs, index > 1, length == 0 || (length == 1 && onlyDot) { needs = true }
        guard needs else { return path }
        let absolute = path.hasPrefix("/")
        let parts = path.split(separator: "/").filter { $0 != "." }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
