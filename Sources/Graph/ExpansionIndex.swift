/// The index of a family's expansion-cache entry (`ExpansionCache`): what the instances
/// were made from (the definition digest, each directory listed and its signature then) and
/// the parts they are stored in. Small: it is rewritten whenever a part is.
struct ExpansionIndex: Equatable {
    struct Directory: Equatable {
        var path: String
        /// nil: missing (or unreadable) when listed.
        var signature: FileSignature?
        /// False when it changed in the listing's clock tick: its listing may already be stale.
        var trusted = true

        /// Whether it is still as it was listed (and that can be trusted).
        var isUnchanged: Bool { trusted && ExpansionCache.signature(path) == signature }
    }

    struct Part: Equatable {
        /// The directory whose listing made the part's instances ("" for a whole family).
        var directory: String
        var count: Int
        /// Of the part file's bytes, so that a part file from another store is not read.
        var checksum: Digest
    }

    var definition: Digest
    var directories: [Directory]
    var parts: [Part]

    static let fileName = "index"

    /// The index's path in the entry directory `entry`.
    static func path(in entry: String) -> String { entry + "/" + fileName }
    static let magic: [UInt8] = Array("arrakis-expansions-2\n".utf8)

    func encode() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + directories.count * 64 + parts.count * 48)
        w.raw(Self.magic)
        w.digest(definition)
        w.u32(UInt32(directories.count))
        for d in directories {
            w.string(d.path)
            guard d.trusted else { w.u8(2); continue }
            guard let sig = d.signature else { w.u8(0); continue }
            w.u8(1)
            sig.encode(into: &w)
        }
        w.u32(UInt32(parts.count))
        for p in parts {
            w.string(p.directory)
            w.u32(UInt32(p.count))
            w.digest(p.checksum)
        }
        return ExpansionPart.sealed(w.bytes)
    }

    /// The index of the entry directory `entry`; nil when missing, damaged or of another format.
    static func read(in entry: String) -> ExpansionIndex? {
        guard let file = MappedFile(path: path(in: entry)), let body = ExpansionPart.checkedBody(file.bytes, magic: magic) else { return nil }
        return withExtendedLifetime(file) {
            var r = ByteReader(body, offset: magic.count)
            do {
                let definition = try r.digest()
                var directories: [Directory] = []
                for _ in 0..<(try r.count()) {
                    let dir = try r.string()
                    switch try r.u8() {
                    case 0: directories.append(Directory(path: dir, signature: nil))
                    case 1: directories.append(Directory(path: dir, signature: try FileSignature.decode(&r)))
                    case 2: directories.append(Directory(path: dir, signature: nil, trusted: false))
                    default: return nil
                    }
                }
                var parts: [Part] = []
                for _ in 0..<(try r.count()) {
                    parts.append(Part(directory: try r.string(), count: Int(try r.u32()), checksum: try r.digest()))
                }
                guard r.remaining == 0 else { return nil }
                return ExpansionIndex(definition: definition, directories: directories, parts: parts)
            } catch {
                return nil
            }
        }
    }
}
