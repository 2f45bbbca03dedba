/// rmclean3d's files for one cube, created up front and filled slab by slab: FDF_clean_real,
/// _im, _tot, FDF_CC_real, _im, _tot, CLEAN_nIter and, if asked, FDF_residual_real, _im, _tot.
/// Shared by `arrakis rmsynth3d --clean` and `arrakis rmclean3d`, which write the same bytes.
struct FaradayCleanOutputs {
    private(set) var files: [FITSImageStream] = []
    private let clean: [FITSImageStream]
    private let model: [FITSImageStream]
    private let residual: [FITSImageStream]
    private let iterations: FITSImageStream
    private let planes: Int

    /// - Parameters:
    ///   - cubeShape: the FDF cube's shape (the Faraday depth axis `planes` long).
    init(prefix: String, cubeShape: [Int], headers: FaradayCleanHeaders, planes: Int, residual writeResidual: Bool) throws {
        var created: [FITSImageStream] = []
        func create(_ name: String, _ shape: [Int], _ header: FITSHeader) throws -> FITSImageStream {
            let file = try FITSImageStream.create(prefix + name, shape: shape, header: header)
            created.append(file)
            return file
        }
        clean = try zip(["FDF_clean_real.fits", "FDF_clean_im.fits", "FDF_clean_tot.fits"], headers.clean).map {
            try create($0, cubeShape, $1)
        }
        model = try zip(["FDF_CC_real.fits", "FDF_CC_im.fits", "FDF_CC_tot.fits"], headers.components).map {
            try create($0, cubeShape, $1)
        }
        iterations = try create("CLEAN_nIter.fits", Array(cubeShape.prefix(2)) + [Int](repeating: 1, count: cubeShape.count - 2),
                                headers.iterations)
        residual = writeResidual
            ? try zip(["FDF_residual_real.fits", "FDF_residual_im.fits", "FDF_residual_tot.fits"], headers.clean).map {
                try create($0, cubeShape, $1)
            }
            : []
        files = created
        self.planes = planes
    }

    /// The writers of a cleaned slab's planes.
    func writers(for slab: FaradayCubeSlab) -> [PlaneWriter] {
        let np = slab.pixels
        var tasks = PlaneWriter.complex(clean, slab.cleanReal, slab.cleanImag, planes: planes, pixels: np)
        tasks += PlaneWriter.complex(model, slab.modelReal, slab.modelImag, planes: planes, pixels: np)
        if !residual.isEmpty { tasks += PlaneWriter.complex(residual, slab.residualReal, slab.residualImag, planes: planes, pixels: np) }
        let counts = slab.iterations
        tasks.append(PlaneWriter(iterations, planes: 1) { _, b in for p in 0..<np { b[p] = counts[p] } })
        return tasks
    }
}

extension PlaneWriter {
    /// Writers of a complex cube's three files (real, imaginary, modulus), `planes` planes
    /// of `pixels` values each, plane-major.
    static func complex(_ files: [FITSImageStream], _ re: [Float], _ im: [Float], planes: Int, pixels np: Int) -> [PlaneWriter] {
        var tasks: [PlaneWriter] = []
        for (file, part) in zip(files, [re, im]) {
            tasks.append(PlaneWriter(file, planes: planes) { k, b in
                part.withUnsafeBufferPointer { b.baseAddress!.update(from: $0.baseAddress! + k * np, count: np) }
            })
        }
        tasks.append(PlaneWriter(files[2], planes: planes) { k, b in
            re.withUnsafeBufferPointer { r in im.withUnsafeBufferPointer { i in
                complex32Moduli(r.baseAddress! + k * np, i.baseAddress! + k * np, into: b.baseAddress!, count: np)
            }}
        })
        return tasks
    }
}
