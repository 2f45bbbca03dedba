/// RM-CLEAN of the files 3-D RM synthesis wrote, as RM-Tools' `rmclean3d FDF RMSF`: the
/// dirty FDF's real and imaginary cubes and the RMSF's (with its FWHM map) read slab of rows
/// by slab of rows, each pixel cleaned with its own RMSF and FWHM, into the files
/// `FaradayCleanOutputs` names. The same arithmetic as `arrakis rmsynth3d --clean`, so the
/// two write the same bytes; kept apart so that changing a CLEAN setting re-runs CLEAN only.
public struct FaradayCubeCleaning {
    /// Any of the dirty FDF's FDF_tot_dirty / FDF_real_dirty / FDF_im_dirty files.
    public var fdf: String
    /// Any of RMSF_tot / RMSF_real / RMSF_im; RMSF_FWHM is found beside it.
    public var rmsf: String
    public var settings = FaradayCubeCleanSettings()
    public var writeResidual = false
    /// Bytes of pixel data held at once (slabs of rows are sized to fit).
    public var maxMemoryBytes = 2048 << 20
    /// Threads (0 = one per core).
    public var threads = 0
    /// Text of the HISTORY card in the products.
    public var history = "RM-CLEAN3D output from arrakis rmclean3d (as RM-Tools rmclean3d)"

    public init(fdf: String, rmsf: String) {
        self.fdf = fdf; self.rmsf = rmsf
    }

    /// What a run did.
    public struct Summary: Sendable {
        public var width: Int, height: Int
        public var faradayDepths: Int
        public var slabs: Int, rowsPerSlab: Int
        public var cleanedPixels: Int
        public var ownRMSFPixels: Int
        public var files: [String]
    }

    /// The file beside `path` holding `part` (`_real`, `_im`, `_FWHM`): the last `_tot`,
    /// `_real` or `_im` in the file's name replaced, as RM-Tools finds the parts of a cube
    /// (it replaces every occurrence, directory names included).
    public static func sibling(of path: String, _ part: String) throws -> String {
        let slash = path.lastIndex(of: "/").map { path.index(after: $0) } ?? path.startIndex
        let name = path[slash...]
        let hits = ["_tot", "_real", "_im"].compactMap { key in name.range(of: key, options: .backwards).map { ($0, key) } }
        guard let (range, _) = hits.max(by: { $0.0.lowerBound < $1.0.lowerBound }) else {
            throw FaradayCubeError.badAxes(path: path, message: "the name has none of _tot, _real, _im: the other parts of the cube cannot be found (name it as rmsynth3d does)")
        }
        return String(path[..<range.lowerBound]) + part + String(path[range.upperBound...])
    }

    /// Runs; `progress(rowsDone, rows)` after each slab.
    public func run(prefix: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        try settings.validate()
        guard maxMemoryBytes > 0 else { throw FaradayCubeError.invalidSetting("the memory limit must be positive") }
        let realCube = try FaradayCubeInput(path: try Self.sibling(of: fdf, "_real"), frequencyAxisRequired: true, axisType: "FDEP")
        let imagCube = try FaradayCubeInput(path: try Self.sibling(of: fdf, "_im"), frequencyAxisRequired: true, axisType: "FDEP")
        try imagCube.requireSameGrid(as: realCube)
        let rmsfReal = try FaradayCubeInput(path: try Self.sibling(of: rmsf, "_real"), frequencyAxisRequired: true, axisType: "FDEP")
        let rmsfImag = try FaradayCubeInput(path: try Self.sibling(of: rmsf, "_im"), frequencyAxisRequired: true, axisType: "FDEP")
        try rmsfImag.requireSameGrid(as: rmsfReal)
        let fwhmPath = try Self.sibling(of: rmsf, "_FWHM")
        let fwhmFile = try FITSFile.open(fwhmPath)
        let fwhmShape = try fwhmFile.imageShape()

        let width = realCube.width, height = realCube.height, n = realCube.channels, n2 = rmsfReal.channels
        guard rmsfReal.width == width, rmsfReal.height == height else {
            throw FaradayCubeError.shapeMismatch(path: rmsfReal.path, shape: rmsfReal.shape, reference: realCube.path, referenceShape: realCube.shape)
        }
        guard fwhmShape.count >= 2, fwhmShape[0] == width, fwhmShape[1] == height, fwhmShape.dropFirst(2).allSatisfy({ $0 == 1 }) else {
            throw FaradayCubeError.shapeMismatch(path: fwhmPath, shape: fwhmShape, reference: realCube.path, referenceShape: [width, height])
        }
        guard n2 == 2 * n + 1 else {
            throw FaradayCubeError.badAxes(path: rmsfReal.path, message: "\(n2) RMSF samples for \(n) Faraday depths in \(realCube.path); RM-CLEAN needs the RMSF rmsynth3d writes with that FDF (2 x \(n) + 1)")
        }
        let phi = try Self.faradayDepths(realCube, count: n)

        let perPixel = 4 * (2 * n + 6 * n + 2 * n2) + 64
        let rowsPerSlab = max(1, min(height, maxMemoryBytes / max(1, perPixel * width)))
        let slabs = (height + rowsPerSlab - 1) / rowsPerSlab
        let f = realCube.frequencyAxis

        let outputs = try FaradayCleanOutputs(prefix: prefix, cubeShape: realCube.shape,
                                              headers: FaradayCleanHeaders(dirtyReal: realCube.header, history: history),
                                              planes: n, residual: writeResidual)
        var cleaned = 0, ownTotal = 0
        for s in 0..<slabs {
            let r = (s * rowsPerSlab)..<min(height, (s + 1) * rowsPerSlab)
            let np = width * r.count
            let planes = try FaradayCubeInput.readRows(r, of: [realCube, imagCube, rmsfReal, rmsfImag], threads: threads)
            var lower = [Int](repeating: 0, count: fwhmShape.count), upper = fwhmShape
            lower[1] = r.lowerBound; upper[1] = r.upperBound
            let fwhm: PixelArray<Float> = try fwhmFile.readPixels(lower: lower, upper: upper)

            let rmsf = Self.pixelRMSFs(real: planes[2], imag: planes[3], pixels: np, samples: n2)
            ownTotal += rmsf.ownPixels.count
            var slab = FaradayCubeSlab(dirtyReal: planes[0], dirtyImag: planes[1], pixels: np, fwhm: fwhm.values,
                                       ownRMSFPixels: rmsf.ownPixels, ownRMSFReal: rmsf.ownReal, ownRMSFImag: rmsf.ownImag)
            slab.clean(settings, phi: phi, sharedRMSFReal: rmsf.sharedReal, sharedRMSFImag: rmsf.sharedImag, threads: threads)
            cleaned += slab.iterations.count { $0 > 0 }
            try PlaneWriter.run(outputs.writers(for: slab), pixels: np, threads: threads, firstRow: r.lowerBound, planeAxis: f)
            progress(r.upperBound, height)
        }
        let files = outputs.files
        try commitConcurrently(files, threads: threads)
        return Summary(width: width, height: height, faradayDepths: n, slabs: slabs, rowsPerSlab: rowsPerSlab,
                       cleanedPixels: cleaned, ownRMSFPixels: ownTotal, files: files.map(\.path))
    }

    /// The Faraday depths of the cube's FDEP axis (CRVAL + (k + 1 - CRPIX) CDELT), as
    /// float32 like RM-Tools' `fits_make_lin_axis`.
    static func faradayDepths(_ cube: FaradayCubeInput, count: Int) throws -> [Float] {
        let f = cube.frequencyAxis
        guard let cdelt = cube.header.double("CDELT\(f)"), cdelt.isFinite, cdelt != 0 else {
            throw FaradayCubeError.badAxes(path: cube.path, message: "the Faraday depth axis \(f) has no usable CDELT\(f)")
        }
        let crval = cube.header.double("CRVAL\(f)") ?? 0, crpix = cube.header.double("CRPIX\(f)") ?? 1
        return (0..<count).map { Float(crval + (Double($0 + 1) - crpix) * cdelt) }
    }

    /// The RMSF most pixels share (the slab's middle pixel's) and, pixel after pixel, the
    /// RMSFs of the pixels whose differ from it in any bit.
    static func pixelRMSFs(real: [Float], imag: [Float], pixels np: Int, samples n2: Int)
        -> (sharedReal: [Float], sharedImag: [Float], ownPixels: [Int], ownReal: [Float], ownImag: [Float]) {
        let middle = np / 2
        let sharedReal = (0..<n2).map { real[$0 * np + middle] }, sharedImag = (0..<n2).map { imag[$0 * np + middle] }
        var differs = [Bool](repeating: false, count: np)
        for k in 0..<n2 {
            let a = sharedReal[k].bitPattern, b = sharedImag[k].bitPattern
            for p in 0..<np where real[k * np + p].bitPattern != a || imag[k * np + p].bitPattern != b { differs[p] = true }
        }
        let own = (0..<np).filter { differs[$0] }
        var ownReal = [Float](repeating: 0, count: own.count * n2), ownImag = ownReal
        for (col, p) in own.enumerated() {
            for k in 0..<n2 { ownReal[col * n2 + k] = real[k * np + p]; ownImag[col * n2 + k] = imag[k * np + p] }
        }
        return (sharedReal, sharedImag, own, ownReal, ownImag)
    }
}
