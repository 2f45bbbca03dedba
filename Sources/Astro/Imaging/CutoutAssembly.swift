/// The cutout files of a band of islands of one cube, assembled in one block of memory
/// from the cube's reads as they arrive (`absorb`), in whatever order: each file is its
/// header, the box's pixels through every plane as stored (big-endian, unscaled, FITS
/// order), and zeros up to a whole 2,880-byte record, as cfitsio writes it.
final class CutoutAssembly {
    private struct Piece {
        let box: CutoutBox
        /// Where the file starts in the block.
        let offset: Int
        let headerBytes: Int
        let fileBytes: Int
    }

    let layout: RawImageLayout
    private let pieces: [Piece]
    private let block: UnsafeMutableRawPointer
    /// Bytes of the block.
    let bytes: Int

    /// The size of the file of a cutout of `box` with a header of `headerBytes`.
    static func fileBytes(box: CutoutBox, headerBytes: Int, layout: RawImageLayout) -> Int {
        headerBytes + (box.width * box.height * layout.planes * layout.bytesPerPixel + 2879) / 2880 * 2880
    }

    /// One file per box, its header `headers[i]`; boxes must lie inside the image.
    init(layout: RawImageLayout, boxes: [CutoutBox], headers: [[UInt8]]) {
        self.layout = layout
        var pieces: [Piece] = []
        var offset = 0
        for (box, header) in zip(boxes, headers) {
            let size = Self.fileBytes(box: box, headerBytes: header.count, layout: layout)
            pieces.append(Piece(box: box, offset: offset, headerBytes: header.count, fileBytes: size))
            offset += (size + 63) / 64 * 64
        }
        self.pieces = pieces
        bytes = max(offset, 64)
        block = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        for (piece, header) in zip(pieces, headers) {
            header.withUnsafeBytes { (block + piece.offset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            let data = piece.box.width * piece.box.height * layout.planes * layout.bytesPerPixel
            let pad = piece.fileBytes - piece.headerBytes - data
            (block + piece.offset + piece.headerBytes + data).initializeMemory(as: UInt8.self, repeating: 0, count: pad)
        }
    }

    deinit { block.deallocate() }

    /// The finished file of box `index` (complete once every byte of its spans was absorbed).
    func file(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: block + pieces[index].offset, count: pieces[index].fileBytes)
    }

    /// Copies what `bytes`, the file's bytes `range`, holds of every box into its file.
    func absorb(_ bytes: UnsafeRawPointer, range: Range<Int>) {
        let bpp = layout.bytesPerPixel, line = layout.lineBytes, planeBytes = layout.planeBytes
        let first = max(0, Self.floorDiv(range.lowerBound - layout.dataStart, planeBytes))
        let last = min(layout.planes - 1, Self.floorDiv(range.upperBound - 1 - layout.dataStart, planeBytes))
        guard first <= last else { return }
        for piece in pieces {
            let box = piece.box
            let rowBytes = box.width * bpp
            let x0 = box.x.lowerBound * bpp
            let data = block + piece.offset + piece.headerBytes
            for plane in first...last {
                let base = layout.dataStart + plane * planeBytes
                // Rows whose segment [base + y*line + x0, +rowBytes) meets the range.
                let y0 = max(box.y.lowerBound, Self.floorDiv(range.lowerBound - base - x0 - rowBytes, line) + 1)
                let y1 = min(box.y.upperBound, Self.floorDiv(range.upperBound - base - x0 - 1, line) + 1)
                guard y0 < y1 else { continue }
                for y in y0..<y1 {
                    let start = base + y * line + x0
                    let lower = max(start, range.lowerBound), upper = min(start + rowBytes, range.upperBound)
                    let row = (plane * box.height + y - box.y.lowerBound) * rowBytes
                    (data + row + lower - start).copyMemory(from: bytes + (lower - range.lowerBound), byteCount: upper - lower)
                }
            }
        }
    }

    private static func floorDiv(_ a: Int, _ b: Int) -> Int {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
