import CFITSIO

/// Where the pixels of a plain (uncompressed, fully stored) FITS image HDU lie in its file:
/// from `dataStart`, big-endian, x fastest, then y, then every further axis (channel,
/// Stokes), each NAXIS1 x NAXIS2 plane contiguous. Readers that fetch the pixels
/// themselves (the memory map, the cutter's coalesced reads) start from it.
struct RawImageLayout: Sendable, Equatable {
    /// Byte offset of the first pixel in the file.
    let dataStart: Int
    /// NAXISn, first axis first.
    let shape: [Int]
    let bitpix: Int

    var bytesPerPixel: Int { abs(bitpix) / 8 }
    /// Bytes of one row (NAXIS1 pixels).
    var lineBytes: Int { shape[0] * bytesPerPixel }
    /// Bytes of one NAXIS1 x NAXIS2 plane.
    var planeBytes: Int { lineBytes * (shape.count > 1 ? shape[1] : 1) }
    /// Planes along the axes after the first two (1 for a 2-D image).
    var planes: Int { shape.dropFirst(2).reduce(1, *) }
    /// Bytes of pixel data.
    var dataBytes: Int { planeBytes * planes }

    /// File offset of pixel (`x`, `y`) of plane `plane`.
    func offset(x: Int, y: Int, plane: Int) -> Int {
        dataStart + plane * planeBytes + y * lineBytes + x * bytesPerPixel
    }

    /// The byte ranges of the file that hold `boxes` through every plane: per plane and row,
    /// the union of the boxes' x ranges on that row, in file order. Boxes must lie in the image.
    func spans(of boxes: [CutoutBox]) -> [Range<Int>] {
        guard shape.count >= 2 else { return [] }
        // One plane's pattern, offsets from the plane's start.
        var rows = [[Range<Int>]](repeating: [], count: shape[1])
        for box in boxes { for y in box.y { rows[y].append(box.x) } }
        var pattern: [Range<Int>] = []
        for (y, xs) in rows.enumerated() where !xs.isEmpty {
            for x in Self.union(xs) {
                pattern.append(y * lineBytes + x.lowerBound * bytesPerPixel ..< y * lineBytes + x.upperBound * bytesPerPixel)
            }
        }
        var spans: [Range<Int>] = []
        spans.reserveCapacity(pattern.count * planes)
        for plane in 0..<planes {
            let base = dataStart + plane * planeBytes
            for p in pattern { spans.append(base + p.lowerBound ..< base + p.upperBound) }
        }
        return spans
    }

    /// Sorted, disjoint, non-touching union of `ranges`.
    static func union(_ ranges: [Range<Int>]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !r.isEmpty {
            if let last = out.last, r.lowerBound <= last.upperBound {
                out[out.count - 1] = last.lowerBound ..< max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }
}

extension FITSFile {
    /// The current HDU's plain layout with its scaling, nil when cfitsio must read it
    /// (compressed image, gzipped file, truncated data, no image).
    func rawImageLayout() -> (layout: RawImageLayout, scale: Double, zero: Double, blank: Int64?)? {
        // A gzipped file is decompressed in memory by cfitsio: its bytes on disk are not the image's.
        guard temporaryPath == nil, logicalFileSize == fileSize else { return nil }
        var status: Int32 = 0
        if fits_is_compressed_image(handle, &status) != 0 || status != 0 { return nil }
        var head: Int64 = 0, dataStart: Int64 = 0, dataEnd: Int64 = 0
        guard ffghadll(handle, &head, &dataStart, &dataEnd, &status) == 0,
              let shape = try? imageShape(), !shape.isEmpty,
              let bitpix = try? imageBitpix(),
              let header = try? readHeader() else { return nil }
        let layout = RawImageLayout(dataStart: Int(dataStart), shape: shape, bitpix: bitpix)
        guard Int64(layout.dataStart + layout.dataBytes) <= fileSize else { return nil }
        return (layout, header.double("BSCALE") ?? 1, header.double("BZERO") ?? 0,
                bitpix > 0 ? header.int("BLANK").map(Int64.init) : nil)
    }
}
