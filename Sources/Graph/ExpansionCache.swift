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
/// An entry is used only when the family's definition digest is the one stored and every
/// directory listed then still has the same identity and mtime/ctime (a directory's mtime
/// changes whenever an entry is added, removed or renamed). An entry is written only when
/// every such directory last changed strictly before a filesystem-clock stamp taken before
/// the listing, so a change in the same clock tick cannot hide (as in `DigestCache`). A
/// damaged or foreign file is ignored and replaced.
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

    static let magic: [UInt8] = Array("arrakis-expansions-1\n".utf8)

    private func path(_ family: String) -> String { directory + "/" + Digest(family).description }

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
        // Mapped, not read: a million instances' entry is decoded straight from the page
        // cache, and its pages need not stay resident once decoded.
        guard let file = MappedFile(path: path(family)), file.bytes.count > Self.magic.count + 16,
              file.bytes.prefix(Self.magic.count).elementsEqual(Self.magic) else { return nil }
        let body = file.bytes.count - 16
        return withExtendedLifetime(file) { () -> [TaskSpec]? in
            let raw = file.bytes
            var check = ByteReader(raw, offset: body)
            guard let sum = try? check.digest(),
                  sum == Digest(bytes: UnsafeRawBufferPointer(rebasing: raw[0..<body])) else { return nil }
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: raw[0..<body]), offset: Self.magic.count)
            do {
                guard try r.digest() == definition else { return nil }
                for _ in 0..<(try r.count()) {
                    let dir = try r.string()
                    let stored: FileSignature? = try r.u8() == 1
                        ? FileSignature(device: try r.u64(), inode: try r.u64(), size: try r.i64(),
                                        mtimeNs: try r.i64(), ctimeNs: try r.i64())
                        : nil
                    guard Self.signature(dir) == stored else { return nil }
                }
                let n = try r.count()
                // The checksum made every page resident: drop them (each part is read back
                // as it is decoded), so the entry and its instances are not both held.
                file.release(upTo: body)
                return try Self.decode(n, from: r, body: UnsafeRawBufferPointer(rebasing: raw[0..<body]))
            } catch {
                return nil
            }
        }
    }

    /// `n` specs starting at `reader`, decoded on every core for a big entry: one pass
    /// finds where each part begins (skipping is cheap: no strings are made), then the
    /// parts are decoded side by side straight into their slots of the result.
    static func decode(_ n: Int, from reader: ByteReader, body: UnsafeRawBufferPointer) throws -> [TaskSpec] {
        var r = reader
        let parts = n < 16_384 ? 1 : 4 * ProcessorCount.value
        var starts: [Int] = []
        starts.reserveCapacity(parts)
        for p in 0..<parts {
            let first = n * p / parts
            var skipped = p == 0 ? 0 : n * (p - 1) / parts
            while skipped < first { try r.skipTaskSpec(); skipped += 1 }
            starts.append(r.offset)
        }
        let failed = Mutex<Bool>(false)
        let partStarts = starts
        let bytes = UncheckedBox(body)
        let specs = [TaskSpec](unsafeUninitializedCapacity: n) { buffer, initialized in
            let out = UncheckedBox(buffer)
            let done = UncheckedBox(UnsafeMutableBufferPointer<Int>.allocate(capacity: parts))
            defer { done.value.deallocate() }
            DispatchQueue.concurrentPerform(iterations: parts) { p in
                let lo = n * p / parts, hi = n * (p + 1) / parts
                var reader = ByteReader(bytes.value, offset: partStarts[p])
                var i = lo
                while i < hi, let spec = try? reader.taskSpec() {
                    (out.value.baseAddress! + i).initialize(to: spec)
                    i += 1
                }
                done.value[p] = i
                if i < hi { failed.withLock { $0 = true } }
            }
            if failed.withLock({ $0 }) {
                // Damaged: undo what was made (an entry is all or nothing).
                for p in 0..<parts {
                    let lo = n * p / parts
                    (out.value.baseAddress! + lo).deinitialize(count: done.value[p] - lo)
                }
                initialized = 0
            } else {
                initialized = n
            }
        }
        guard specs.count == n else { throw ByteReader.Truncated() }
        return specs
    }

    /// Stores `family`'s instances, made from `directories`' listings after `stamp`; an entry
    /// that could not be trusted next time (a directory changed at or after the stamp, or one
    /// that could not be read) is removed instead. Failing to write only costs the next build
    /// an expansion.
    public func store(family: String, definition: Digest, directories: [String], specs: [TaskSpec], stamp: Int64) {
        let file = path(family)
        var w = ByteWriter(capacity: 64 + specs.count * 96)
        w.raw(Self.magic)
        w.digest(definition)
        let unique = Array(Set(directories)).sorted()
        w.u32(UInt32(unique.count))
        for dir in unique {
            w.string(dir)
            guard let sig = Self.signature(dir) else { w.u8(0); continue }
            guard sig.lastChangeNs < stamp else {
                unlink(file)
                return
            }
            w.u8(1)
            w.u64(sig.device)
            w.u64(sig.inode)
            w.i64(sig.size)
            w.i64(sig.mtimeNs)
            w.i64(sig.ctimeNs)
        }
        w.u32(UInt32(specs.count))
        for s in specs { w.taskSpec(s) }
        var bytes = w.bytes
        let sum = Digest(bytes)
        var tail = ByteWriter(capacity: 16)
        tail.digest(sum)
        bytes += tail.bytes
        let temporary = file + ".tmp"
        guard Self.writeAll(bytes, to: temporary), rename(temporary, file) == 0 else {
            unlink(temporary)
            unlink(file)
            return
        }
    }

    static func writeAll(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return DurableFile.writeAll(fd, bytes)
    }
}
