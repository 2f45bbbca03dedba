#if canImport(Glibc)
import Glibc
#endif

/// Reads windows of an uncompressed FITS image straight from a read-only memory map of
/// the file: one big-endian row segment per (row, plane) is converted in place, with no
/// per-segment library call. A cutout through 128 channels touches thousands of short
/// segments, which is where this beats going through cfitsio's record buffers.
///
/// Used only when the layout is plain: an uncompressed image HDU whose data the file
/// fully holds. BSCALE/BZERO and BLANK are applied as cfitsio would.
final class MappedImageReader {
    let base: UnsafeRawPointer
    let length: Int
    let dataStart: Int
    let shape: [Int]
    let bitpix: Int
    let scale: Double
    let zero: Double
    let blank: Int64?

    init?(path: String, dataStart: Int, shape: [Int], bitpix: Int, scale: Double, zero: Double, blank: Int64?) {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        let size = Int(st.st_size)
        let needed = dataStart + shape.reduce(abs(bitpix) / 8, *)
        guard size >= needed, needed > dataStart,
              let map = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), map != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(map)
        length = size
        self.dataStart = dataStart
        self.shape = shape
        self.bitpix = bitpix
        self.scale = scale
        self.zero = zero
        self.blank = blank
    }

    deinit {
        munmap(UnsafeMutableRawPointer(mutating: base), length)
    }

    /// The block `lower ..< upper` (0-based, already validated against `shape`).
    func read<T: FITSFloat>(lower: [Int], upper: [Int], as: T.Type) -> [T] {
        let width = upper[0] - lower[0]
        let blockShape = zip(lower, upper).map { $1 - $0 }
        var out = [T](repeating: 0, count: blockShape.reduce(1, *))
        let bytes = abs(bitpix) / 8
        // Strides (in pixels) of each axis in the file.
        var strides = [1]
        for n in shape.dropLast() { strides.append(strides.last! * n) }
        // Walk every row (all axes but the first) of the block.
        var index = Array(lower)
        var written = 0
        out.withUnsafeMutableBufferPointer { dest in
            while true {
                var pixel = 0
                for axis in shape.indices { pixel += index[axis] * strides[axis] }
                let source = base + dataStart + pixel * bytes
                convert(source, into: dest.baseAddress! + written, count: width)
                written += width
                // Next row: advance axis 1, carrying into higher axes.
                var axis = 1
                while axis < shape.count {
                    index[axis] += 1
                    if index[axis] < upper[axis] { break }
                    index[axis] = lower[axis]
                    axis += 1
                }
                if axis >= shape.count { break }
            }
        }
        return out
    }

    @inline(__always)
    private func convert<T: FITSFloat>(_ source: UnsafeRawPointer, into dest: UnsafeMutablePointer<T>, count: Int) {
        let scaled = scale != 1 || zero != 0
        switch bitpix {
        case -32:
            for k in 0..<count {
                let v = Float(bitPattern: UInt32(bigEndian: source.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self)))
                dest[k] = scaled ? T(Double(v) * scale + zero) : T(v)
            }
        case -64:
            for k in 0..<count {
                let v = Double(bitPattern: UInt64(bigEndian: source.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)))
                dest[k] = T(scaled ? v * scale + zero : v)
            }
        case 8:
            for k in 0..<count {
                let raw = source.load(fromByteOffset: k, as: UInt8.self)
                dest[k] = integer(Int64(raw))
            }
        case 16:
            for k in 0..<count {
                let raw = Int16(bigEndian: source.loadUnaligned(fromByteOffset: 2 * k, as: Int16.self))
                dest[k] = integer(Int64(raw))
            }
        case 32:
            for k in 0..<count {
                let raw = Int32(bigEndian: source.loadUnaligned(fromByteOffset: 4 * k, as: Int32.self))
                dest[k] = integer(Int64(raw))
            }
        default:
            for k in 0..<count {
                let raw = Int64(bigEndian: source.loadUnaligned(fromByteOffset: 8 * k, as: Int64.self))
                dest[k] = integer(raw)
            }
        }
    }

    @inline(__always)
    private func integer<T: FITSFloat>(_ raw: Int64) -> T {
        if let blank, raw == blank { return T.nan }
        return T(Double(raw) * scale + zero)
    }
}

extension FITSFile {
    /// The memory-mapped reader of the current HDU (made once), nil when its layout needs cfitsio.
    var mappedImage: MappedImageReader? {
        if mapped == nil { mapped = .some(mappedReader()) }
        if case .some(.some(let reader)) = mapped { return reader }
        return nil
    }

    /// A mapped reader for the current HDU when its layout allows one, else nil.
    func mappedReader() -> MappedImageReader? {
        guard let raw = rawImageLayout() else { return nil }
        return MappedImageReader(path: path, dataStart: raw.layout.dataStart, shape: raw.layout.shape, bitpix: raw.layout.bitpix,
                                 scale: raw.scale, zero: raw.zero, blank: raw.blank)
    }
}
