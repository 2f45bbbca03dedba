import Dispatch
import Synchronization

/// One part of a family's expansion-cache entry (`ExpansionCache`): the instances one
/// directory's listing made, in their order. The file holds a header (magic, definition
/// digest, directory, count) and the instances in the engine's binary encoding; the index
/// keeps the digest of the file's bytes, which is checked before a part is read.
enum ExpansionPart {
    static let magic: [UInt8] = Array("arrakis-expansion-part-2\n".utf8)

    /// The part's file name in its entry's directory.
    static func fileName(_ directory: String) -> String { "p-" + Digest(directory).description }

    /// The path of `directory`'s part in the entry directory `entry`.
    static func path(in entry: String, directory: String) -> String { entry + "/" + fileName(directory) }

    static func encode(_ specs: ArraySlice<TaskSpec>, directory: String, definition: Digest) -> [UInt8] {
        var w = ByteWriter(capacity: 64 + specs.count * 96)
        w.raw(magic)
        w.digest(definition)
        w.string(directory)
        w.u32(UInt32(specs.count))
        for s in specs { w.taskSpec(s) }
        return w.bytes
    }

    /// `bytes` followed by their digest (for a file read only when whole).
    static func sealed(_ bytes: [UInt8]) -> [UInt8] {
        var tail = ByteWriter(capacity: 16)
        tail.digest(Digest(bytes))
        return bytes + tail.bytes
    }

    /// The bytes before the digest `sealed` appended, if they start with `magic` and match it.
    static func checkedBody(_ raw: UnsafeRawBufferPointer, magic: [UInt8]) -> UnsafeRawBufferPointer? {
        guard raw.count > magic.count + 16, raw.prefix(magic.count).elementsEqual(magic) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - 16)])
        var check = ByteReader(raw, offset: body.count)
        guard let sum = try? check.digest(), sum == Digest(bytes: body) else { return nil }
        return body
    }

    /// The instances of `parts` (files and what the index says of each), in order; nil if
    /// any part is missing, damaged, or not the one the index names. Decoded on every core:
    /// many parts side by side, or a few big ones each split in pieces.
    static func decodeAll(_ parts: [(path: String, part: ExpansionIndex.Part)], definition: Digest) -> [TaskSpec]? {
        var firsts = [0]
        for p in parts { firsts.append(firsts[firsts.count - 1] + p.part.count) }
        let total = firsts[parts.count]
        let starts = firsts
        let manyParts = parts.count >= 2 * ProcessorCount.value
        var failed = false
        let specs = [TaskSpec](unsafeUninitializedCapacity: total) { buffer, initialized in
            let out = UncheckedBox(buffer)
            let made = UncheckedBox(UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(parts.count, 1)))
            defer { made.value.deallocate() }
            made.value.initialize(repeating: false)
            let decodePart: @Sendable (Int, Bool) -> Void = { p, split in
                made.value[p] = decode(parts[p].path, parts[p].part, definition: definition,
                                       into: out.value.baseAddress! + starts[p], split: split)
            }
            if manyParts {
                DispatchQueue.concurrentPerform(iterations: parts.count) { p in decodePart(p, false) }
            } else {
                for p in parts.indices { decodePart(p, true) }
            }
            if made.value[0..<parts.count].allSatisfy({ $0 }) {
                initialized = total
            } else {
                // An entry is all or nothing: undo the parts that were made.
                for p in parts.indices where made.value[p] {
                    (out.value.baseAddress! + starts[p]).deinitialize(count: parts[p].part.count)
                }
                initialized = 0
                failed = true
            }
        }
        return failed ? nil : specs
    }

    /// Decodes the part file at `path` into `out` (room for `part.count` instances); false,
    /// with nothing left initialized, if it is not that part.
    private static func decode(_ path: String, _ part: ExpansionIndex.Part, definition: Digest,
                               into out: UnsafeMutablePointer<TaskSpec>, split: Bool) -> Bool {
        // Mapped, not read: the instances are decoded straight from the page cache.
        guard let file = MappedFile(path: path), file.bytes.count > magic.count,
              file.bytes.prefix(magic.count).elementsEqual(magic),
              Digest(bytes: file.bytes) == part.checksum else { return false }
        return withExtendedLifetime(file) {
            var r = ByteReader(file.bytes, offset: magic.count)
            guard (try? r.digest()) == definition, (try? r.string()) == part.directory,
                  let n = try? r.count(), n == part.count else { return false }
            return decodeSpecs(n, from: r, into: out, split: split)
        }
    }

    /// `n` specs starting at `reader` into `out`; with `split`, on every core for many (one
    /// pass finds where each piece begins: skipping is cheap, no strings are made). False,
    /// with nothing left initialized, if the bytes end early or are damaged.
    static func decodeSpecs(_ n: Int, from reader: ByteReader, into out: UnsafeMutablePointer<TaskSpec>,
                                    split: Bool) -> Bool {
        var r = reader
        let pieces = !split || n < 16_384 ? 1 : 4 * ProcessorCount.value
        var starts: [Int] = []
        starts.reserveCapacity(pieces)
        do {
            for p in 0..<pieces {
                let first = n * p / pieces
                var skipped = p == 0 ? 0 : n * (p - 1) / pieces
                while skipped < first { try r.skipTaskSpec(); skipped += 1 }
                starts.append(r.offset)
            }
        } catch {
            return false
        }
        let bytes = UncheckedBox(reader.base)
        let pieceStarts = starts
        let target = UncheckedBox(out)
        let done = UncheckedBox(UnsafeMutableBufferPointer<Int>.allocate(capacity: pieces))
        defer { done.value.deallocate() }
        let decodePiece: @Sendable (Int) -> Void = { p in
            let lo = n * p / pieces, hi = n * (p + 1) / pieces
            var piece = ByteReader(bytes.value, offset: pieceStarts[p])
            var i = lo
            while i < hi, let spec = try? piece.taskSpec() {
                (target.value + i).initialize(to: spec)
                i += 1
            }
            done.value[p] = i
        }
        if pieces == 1 { decodePiece(0) } else { DispatchQueue.concurrentPerform(iterations: pieces, execute: decodePiece) }
        let whole = (0..<pieces).allSatisfy { done.value[$0] == n * ($0 + 1) / pieces }
        if !whole {
            for p in 0..<pieces {
                let lo = n * p / pieces
                (out + lo).deinitialize(count: done.value[p] - lo)
            }
        }
        return whole
    }
}
