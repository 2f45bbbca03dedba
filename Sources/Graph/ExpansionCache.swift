import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The instances of families whose expansion depends only on their definition and on
/// directory listings (a glob fan-out), kept under `.arrakis/expansions/` so that a no-op
/// build need not list and render them again.
///
/// A family's entry is a directory: an index (`ExpansionIndex`: the definition digest, every
/// directory listed with its signature, and the parts) and one file per part
/// (`ExpansionPart`): the instances one directory's listing made. Adding a file to one of a
/// thousand directories changes one part: the next build renders that directory's
/// instances only (`StoredParts`), and rewrites that part and the index, not the rest.
///
/// The whole entry is used only when the definition digest is the one stored and every
/// directory listed then still has the same identity and mtime/ctime (a directory's mtime
/// changes whenever an entry is added, removed or renamed); a part, when its directory's
/// signature is the one stored. A directory's signature is stored only when it last changed
/// strictly before a filesystem-clock stamp taken before the listing, so a change in the
/// same clock tick cannot hide (as in `DigestCache`). A damaged or foreign file is ignored
/// and replaced.
public final class ExpansionCache: @unchecked Sendable {
    private let directory: String
    private let clock: any StampClock

    public init(directory: String, clock: any StampClock) throws {
        self.directory = directory
        self.clock = clock
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw FileError.errno(directory, "cannot create the expansion cache directory")
        }
    }

    /// The directory holding `family`'s entry.
    func entryDirectory(_ family: String) -> String { directory + "/" + Digest(family).description }

    /// Taken before a family is expanded and handed to `store`.
    public func stamp() -> Int64 { clock.now() }

    /// A directory as the cache compares it: its signature, or nil when it cannot be listed.
    static func signature(_ dir: String) -> FileSignature? {
        var st = stat()
        guard stat(dir, &st) == 0 else { return nil }
        return FileSignature(st)
    }

    /// The stored instances of `family`, if still valid for `definition` and the directories.
    public func specs(family: String, definition: Digest) -> [TaskSpec]? {
        let entry = entryDirectory(family)
        guard let index = ExpansionIndex.read(in: entry), index.definition == definition,
              index.directories.allSatisfy(\.isUnchanged) else { return nil }
        return ExpansionPart.decodeAll(index.parts.map { (ExpansionPart.path(in: entry, directory: $0.directory), $0) },
                                       definition: definition)
    }

    /// The parts of `family`'s entry whose directories are unchanged, for an expansion that
    /// lists again and renders only what changed; nil if the entry is for another definition.
    public func storedParts(family: String, definition: Digest) -> StoredParts? {
        let entry = entryDirectory(family)
        guard let index = ExpansionIndex.read(in: entry), index.definition == definition else {
            return nil
        }
        return StoredParts(entry: entry, index: index)
    }

    /// Stores `family`'s instances, made from `directories`' listings after `stamp`, in
    /// `parts` (each a directory and the instances its listing made; nil: one part, as a
    /// whole). A part is written only when it differs from the one stored; a part whose
    /// directory changed at or after the stamp is left out (its directory is stored
    /// untrusted, so the next build lists it again). When a directory other than a part's
    /// changed at or after the stamp, the entry is removed instead. Failing to write only
    /// costs the next build an expansion.
    /// Parts in `reused` came from this entry's stored parts unchanged: they are kept as
    /// they are, without encoding them again.
    public func store(family: String, definition: Digest, directories: [String], specs: [TaskSpec],
                      parts: [(directory: String, range: Range<Int>)]? = nil, reused: Set<String> = [], stamp: Int64) {
        let entry = entryDirectory(family)
        let parts = parts ?? [("", specs.indices)]
        let partDirectories = Set(parts.map(\.directory))
        var listed: [ExpansionIndex.Directory] = []
        var untrusted = Set<String>()
        for dir in Array(Set(directories).union(partDirectories.subtracting([""]))).sorted() {
            let sig = Self.signature(dir)
            if let sig, sig.lastChangeNs >= stamp {
                guard partDirectories.contains(dir) else {
                    remove(entry)
                    return
                }
                untrusted.insert(dir)
                listed.append(.init(path: dir, signature: nil, trusted: false))
                continue
            }
            listed.append(.init(path: dir, signature: sig))
        }
        if mkdir(entry, 0o755) != 0 && errno != EEXIST { return }
        let previous = ExpansionIndex.read(in: entry)
        let before = previous?.definition == definition
            ? Dictionary(previous!.parts.map { ($0.directory, $0) }, uniquingKeysWith: { a, _ in a }) : [:]
        var stored: [ExpansionIndex.Part] = []
        stored.reserveCapacity(parts.count)
        var ok = true
        for part in parts where !untrusted.contains(part.directory) {
            if reused.contains(part.directory), let kept = before[part.directory], kept.count == part.range.count {
                stored.append(kept)
                continue
            }
            let bytes = ExpansionPart.encode(specs[part.range], directory: part.directory, definition: definition)
            let record = ExpansionIndex.Part(directory: part.directory, count: part.range.count, checksum: Digest(bytes))
            let file = ExpansionPart.path(in: entry, directory: part.directory)
            if before[part.directory] != record || access(file, F_OK) != 0 {
                ok = ok && Self.replace(file, with: bytes)
            }
            stored.append(record)
        }
        let index = ExpansionIndex(definition: definition, directories: listed, parts: stored)
        guard ok, Self.replace(ExpansionIndex.path(in: entry), with: index.encode()) else {
            remove(entry)
            return
        }
        // Parts of directories no longer listed (or no longer trusted).
        let kept = Set(stored.map { ExpansionPart.fileName($0.directory) } + [ExpansionIndex.fileName])
        for name in Self.names(in: entry) where !kept.contains(name) { unlink(entry + "/" + name) }
    }

    /// Removes `family`'s entry (it is made again by the next expansion).
    private func remove(_ entry: String) {
        for name in Self.names(in: entry) { unlink(entry + "/" + name) }
        rmdir(entry)
        unlink(entry)  // an entry of the single-file format this one replaced
    }

    static func names(in dir: String) -> [String] {
        guard let d = opendir(dir) else { return [] }
        defer { closedir(d) }
        var out: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: &e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { out.append(name) }
        }
        return out
    }

    /// Writes `bytes` to `path` through a temporary and a rename (a reader sees the old file
    /// or the new one).
    static func replace(_ path: String, with bytes: [UInt8]) -> Bool {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        let written = DurableFile.writeAll(fd, bytes)
        close(fd)
        guard written, rename(temporary, path) == 0 else {
            unlink(temporary)
            unlink(path)
            return false
        }
        return true
    }
}

/// The parts of a stored entry, for an expansion that renders only the directories whose
/// listing changed (see `FamilySource.expandListing(in:reuse:)`).
public struct StoredParts: @unchecked Sendable {
    let entry: String
    let index: ExpansionIndex
    private let directories: [String: ExpansionIndex.Directory]
    private let parts: [String: ExpansionIndex.Part]

    init(entry: String, index: ExpansionIndex) {
        self.entry = entry
        self.index = index
        directories = Dictionary(index.directories.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        parts = Dictionary(index.parts.map { ($0.directory, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// `instances(of:count:)` of each of `parts`, decoded on every core.
    public func instances(of parts: [(directory: String, count: Int)]) -> [[TaskSpec]?] {
        var out = [[TaskSpec]?](repeating: nil, count: parts.count)
        out.withUnsafeMutableBufferPointer { buffer in
            let results = UncheckedBox(buffer)
            DispatchQueue.concurrentPerform(iterations: parts.count) { p in
                results.value[p] = instances(of: parts[p].directory, count: parts[p].count)
            }
        }
        return out
    }

    /// The instances `directory`'s listing made when it was stored, if the directory is
    /// unchanged since and they were `count`; nil otherwise (render them).
    public func instances(of directory: String, count: Int) -> [TaskSpec]? {
        guard let part = parts[directory], part.count == count, let listed = directories[directory],
              listed.signature != nil, listed.isUnchanged else { return nil }
        return ExpansionPart.decodeAll([(ExpansionPart.path(in: entry, directory: directory), part)], definition: index.definition)
    }
}
