import CFITSIO

extension FITSFile {
    /// BITPIX of the current image HDU as stored (8, 16, 32, 64, -32, -64).
    public func imageBitpix() throws -> Int {
        try requireImage()
        var bitpix: Int32 = 0
        try call("read BITPIX") { ffgidt(handle, &bitpix, &$0) }
        return Int(bitpix)
    }

    /// (NAXIS1, NAXIS2, ...) of the current image HDU; empty for a header-only HDU.
    public func imageShape() throws -> [Int] {
        try requireImage()
        var naxis: Int32 = 0
        try call("read NAXIS") { ffgidm(handle, &naxis, &$0) }
        guard naxis > 0 else { return [] }
        var axes = [Int64](repeating: 0, count: Int(naxis))
        try call("read NAXISn") { ffgiszll(handle, naxis, &axes, &$0) }
        return axes.map { Int($0) }
    }

    /// Reads the block of pixels with 0-based indices `lower[i] ..< upper[i]` on every axis,
    /// converted to `T` with BSCALE/BZERO applied; blanks and NaNs come back as NaN.
    /// Only the rows of the block are read from disk, so memory is bounded by the block.
    public func readPixels<T: FITSFloat>(lower: [Int], upper: [Int], as type: T.Type = T.self) throws -> PixelArray<T> {
        let shape = try imageShape()
        guard lower.count == shape.count, upper.count == shape.count else {
            throw FITSError.invalid(path: path, message: "window has \(lower.count) axes, the image has \(shape.count) (shape \(shape))")
        }
        for axis in shape.indices where !(0 <= lower[axis] && lower[axis] < upper[axis] && upper[axis] <= shape[axis]) {
            throw FITSError.invalid(path: path, message: "window \(lower[axis])..<\(upper[axis]) on axis \(axis + 1) is empty or outside the image (NAXIS\(axis + 1) = \(shape[axis]))")
        }
        let blockShape = zip(lower, upper).map { $1 - $0 }
        if mapped == nil { mapped = .some(mappedReader()) }
        if case .some(.some(let reader)) = mapped {
            return PixelArray(shape: blockShape, values: reader.read(lower: lower, upper: upper, as: T.self))
        }
        return try readPixelsThroughCFITSIO(lower: lower, upper: upper, blockShape: blockShape)
    }

    /// The general path: cfitsio converts any layout, compressed images included.
    func readPixelsThroughCFITSIO<T: FITSFloat>(lower: [Int], upper: [Int], blockShape: [Int]) throws -> PixelArray<T> {
        let shape = try imageShape()
        // cfitsio writes every value (NaN for a blank): pages allocated in one call, not zeroed.
        var values: [T] = prefaultedArray(count: blockShape.reduce(1, *), zeroed: false)
        var first = lower.map { $0 + 1 }        // cfitsio is 1-based and inclusive
        var last = upper
        var increments = [Int](repeating: 1, count: shape.count)
        var null = [T.nan]
        var anyNull: Int32 = 0
        try values.withUnsafeMutableBytes { buffer in
            try null.withUnsafeMutableBytes { nullBytes in
                try call("read pixels \(lower)..<\(upper)") {
                    ffgsv(handle, T.fitsDataType, &first, &last, &increments, nullBytes.baseAddress,
                          buffer.baseAddress, &anyNull, &$0)
                }
            }
        }
        return PixelArray(shape: blockShape, values: values)
    }

    /// Reads the whole image.
    public func readImage<T: FITSFloat>(as type: T.Type = T.self) throws -> PixelArray<T> {
        let shape = try imageShape()
        guard !shape.isEmpty else {
            throw FITSError.invalid(path: path, message: "the HDU has no image data (NAXIS = 0)")
        }
        return try readPixels(lower: shape.map { _ in 0 }, upper: shape, as: T.self)
    }

    /// Reads an x/y window through every plane of the remaining axes (Stokes, channels):
    /// the read a cutout makes.
    public func readWindow<T: FITSFloat>(x: Range<Int>, y: Range<Int>, as type: T.Type = T.self) throws -> PixelArray<T> {
        let shape = try imageShape()
        guard shape.count >= 2 else {
            throw FITSError.invalid(path: path, message: "a window needs at least 2 image axes, NAXIS = \(shape.count)")
        }
        let lower = [x.lowerBound, y.lowerBound] + shape.dropFirst(2).map { _ in 0 }
        let upper = [x.upperBound, y.upperBound] + Array(shape.dropFirst(2))
        return try readPixels(lower: lower, upper: upper, as: T.self)
    }

    /// Starts a new image HDU (the primary one if the file is empty) and writes the
    /// caller's header cards into it. For integer BITPIX, BSCALE/BZERO/BLANK in `header`
    /// define the scaling and blank value used by `writePixels`.
    public func createImage(bitpix: Int, shape: [Int], header: FITSHeader = FITSHeader()) throws {
        guard [8, 16, 32, 64, -32, -64].contains(bitpix) else {
            throw FITSError.invalid(path: path, message: "BITPIX \(bitpix) is not one of 8, 16, 32, 64, -32, -64")
        }
        try finishCurrentHDU()
        var axes = shape.map { Int64($0) }
        try call("create image \(shape)") { ffcrimll(handle, Int32(bitpix), Int32(shape.count), &axes, &$0) }
        try removeStandardComments()
        if bitpix > 0 {
            let scale = header.double("BSCALE") ?? 1
            let zero = header.double("BZERO") ?? 0
            if header.contains("BSCALE") { try writeCard(FITSCard("BSCALE", .real(scale))) }
            if header.contains("BZERO") { try writeCard(FITSCard("BZERO", .real(zero))) }
            try call("set scaling") { ffpscl(handle, scale, zero, &$0) }
            if let blank = header.int("BLANK") {
                try writeCard(FITSCard("BLANK", .integer(blank)))
                try call("set BLANK") { ffpnul(handle, Int64(blank), &$0) }
            }
        }
        try writeCards(header, skipping: isStructuralImageKeyword)
        currentHDUNeedsChecksum = true
    }

    /// Writes `values` contiguously (FITS order) starting at 0-based pixel `start`.
    /// NaNs become BLANK in integer images (which then need a BLANK card) and stay
    /// NaN in float images.
    public func writePixels<T: FITSFloat>(_ values: [T], from start: [Int]) throws {
        guard !values.isEmpty else { return }
        var first = start.map { Int64($0 + 1) }
        let bitpix = try imageBitpix()
        if bitpix > 0, values.contains(where: { $0.isNaN }) {
            let sentinel = -T.greatestFiniteMagnitude
            var patched = values.map { $0.isNaN ? sentinel : $0 }
            var null = [sentinel]
            try patched.withUnsafeMutableBytes { buffer in
                try null.withUnsafeMutableBytes { nullBytes in
                    try call("write pixels at \(start)") {
                        ffppxnll(handle, T.fitsDataType, &first, Int64(values.count), buffer.baseAddress,
                                 nullBytes.baseAddress, &$0)
                    }
                }
            }
            return
        }
        var copy = values
        try copy.withUnsafeMutableBytes { buffer in
            try call("write pixels at \(start)") {
                ffppxll(handle, T.fitsDataType, &first, Int64(values.count), buffer.baseAddress, &$0)
            }
        }
    }

    /// Writes a whole image HDU: `createImage` then `writePixels`.
    public func writeImage<T: FITSFloat>(_ array: PixelArray<T>, bitpix: Int = -32, header: FITSHeader = FITSHeader()) throws {
        try createImage(bitpix: bitpix, shape: array.shape, header: header)
        try writePixels(array.values, from: array.shape.map { _ in 0 })
    }

    func requireImage() throws {
        var type: Int32 = 0
        try call("read HDU type") { ffghdt(handle, &type, &$0) }
        guard type == IMAGE_HDU else {
            throw FITSError.invalid(path: path, message: "the current HDU is a table, not an image")
        }
    }
}
