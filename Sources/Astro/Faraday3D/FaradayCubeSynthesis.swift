import Foundation

/// 3-D RM synthesis (and optionally RM-CLEAN) of FITS cubes into the files RM-Tools'
/// rmsynth3d and rmclean3d write, slab of rows by slab of rows so that memory stays under
/// `settings.maxMemoryBytes` whatever the cube's size.
///
/// Files (each `prefix` + name): FDF_real_dirty, FDF_im_dirty, FDF_tot_dirty, RMSF_real,
/// RMSF_im, RMSF_tot, RMSF_FWHM, FDF_maxPI, FDF_peakRM (rmsynth3d's) and FDF_maxPI_fit,
/// FDF_peakRM_fit (the parabola through the peak); with CLEAN FDF_clean_real/_im/_tot,
/// FDF_CC_real/_im/_tot, CLEAN_nIter (rmclean3d's) and, if asked, FDF_residual_real/_im/_tot.
public struct FaradayCubeSynthesis {
    public var q: String
    public var u: String
    public var i: String?
    /// Channel frequencies (Hz); nil = from the Q cube's frequency axis.
    public var frequencies: [Double]?
    /// Where `frequencies` came from, for messages.
    public var frequencySource = "frequency list"
    public var settings = FaradayCubeSettings()
    public var clean: FaradayCubeCleanSettings? = nil
    public var writeResidual = false
    /// Text of the HISTORY card in the CLEAN products.
    public var history = "RM-CLEAN3D output from arrakis rmsynth3d (as RM-Tools rmclean3d)"

    public init(q: String, u: String, i: String? = nil) {
        self.q = q; self.u = u; self.i = i
    }

    /// What a run did.
    public struct Summary: Sendable {
        public var width: Int, height: Int, channels: Int
        public var faradayDepths: Int
        public var dPhi: Double, fwhm: Double, lambda0Squared: Double
        public var slabs: Int, rowsPerSlab: Int
        public var ownRMSFPixels: Int
        public var files: [String]
    }

    /// Runs; `progress(rowsDone, rows)` after each slab.
    public func run(prefix: String, progress: (Int, Int) -> Void = { _, _ in }) throws -> Summary {
        let qCube = try FaradayCubeInput(path: q, frequencyAxisRequired: frequencies == nil)
        let uCube = try FaradayCubeInput(path: u, frequencyAxisRequired: false)
        try uCube.requireSameGrid(as: qCube)
        let iCube = try i.map { try FaradayCubeInput(path: $0, frequencyAxisRequired: false) }
        try iCube?.requireSameGrid(as: qCube)
        let freqs = try frequencies ?? qCube.wcsFrequencies()
        guard freqs.count == qCube.channels else {
            throw FaradayCubeError.badFrequencies(path: frequencySource, message: "\(freqs.count) frequencies for the \(qCube.channels) channels of \(q)")
        }
        if let noise = settings.noise, noise.count != freqs.count {
            throw FaradayCubeError.badNoise(path: "noise", message: "\(noise.count) noise values for \(freqs.count) channels")
        }
        try clean?.validate()
        let width = qCube.width, height = qCube.height, nChan = qCube.channels
        let threads = settings.threads

        // Slab size from the memory limit, with the channel side fixed first (it does not
        // depend on the data but for the flagged planes, which a first pass finds).
        let provisional = try FaradayCubeChannels(frequencies: freqs, settings: settings,
                                                  flaggedPlanes: [Bool](repeating: false, count: nChan),
                                                  flaggedQPlanes: [Bool](repeating: false, count: nChan),
                                                  frequencySource: frequencySource, computingRMSF: false)
        let perPixel = FaradayCubeSlab.bytesPerPixel(channels: nChan, phi: provisional.axis.count,
                                                     stokesI: iCube != nil, clean: clean != nil)
        let fixed = provisional.axis.rmsfCount * nChan * 8 * 2 + provisional.axis.count * nChan * 8
        let rowsPerSlab = max(1, min(height, (settings.maxMemoryBytes - fixed) / max(1, perPixel * width)))
        let slabs = (height + rowsPerSlab - 1) / rowsPerSlab
        func rows(_ s: Int) -> Range<Int> { (s * rowsPerSlab)..<min(height, (s + 1) * rowsPerSlab) }
        func read(_ r: Range<Int>) throws -> ([Float], [Float], [Float]?) {
            let read = try FaradayCubeInput.readRows(r, of: [qCube, uCube] + (iCube.map { [$0] } ?? []), threads: threads)
            return (read[0], read[1], read.count > 2 ? read[2] : nil)
        }

        // Whole planes flagged (Q or U; Q alone for the RMSF): they carry no weight.
        var flagged = [Bool](repeating: true, count: nChan), flaggedQ = flagged
        var kept: ([Float], [Float], [Float]?)? = nil
        for s in 0..<slabs {
            let r = rows(s)
            let data = try read(r)
            let np = width * r.count
            for j in 0..<nChan where flagged[j] || flaggedQ[j] {
                for p in 0..<np {
                    var a = data.0[j * np + p], b = data.1[j * np + p]
                    if let i = data.2 { a /= i[j * np + p]; b /= i[j * np + p] }
                    if data.0[j * np + p].isFinite { flaggedQ[j] = false }
                    if a.isFinite && b.isFinite { flagged[j] = false; flaggedQ[j] = false; break }
                }
            }
            if slabs == 1 { kept = data }
        }
        guard flagged.contains(false) else { throw FaradayCubeError.allFlagged(path: q) }
        let channels = try FaradayCubeChannels(frequencies: freqs, settings: settings, flaggedPlanes: flagged,
                                               flaggedQPlanes: flaggedQ, frequencySource: frequencySource)
        let matrix = FaradaySynthesisMatrix(channels, engine: settings.engine)
        let headers = FaradayCubeHeaders(template: qCube.header, frequencyAxis: qCube.frequencyAxis,
                                         channels: channels, history: history)
        let f = qCube.frequencyAxis
        let nPhi = channels.axis.count, nPhi2 = channels.axis.rmsfCount

        // Output files, created up front and filled slab by slab.
        func shape(_ planes: Int) -> [Int] { var s = qCube.shape; s[f - 1] = planes; return s }
        let mapShape = Array(qCube.shape.prefix(2)) + [Int](repeating: 1, count: qCube.shape.count - 2)
        var outputs: [FITSImageStream] = []
        func create(_ name: String, _ shape: [Int], _ header: FITSHeader) throws -> FITSImageStream {
            let file = try FITSImageStream.create(prefix + name, shape: shape, header: header)
            outputs.append(file)
            return file
        }
        let fdfFiles = try zip(["FDF_real_dirty.fits", "FDF_im_dirty.fits", "FDF_tot_dirty.fits"], headers.fdf).map {
            try create($0, shape(nPhi), $1)
        }
        let rmsfFiles = try zip(["RMSF_real.fits", "RMSF_im.fits", "RMSF_tot.fits"], headers.rmsf).map {
            try create($0, shape(nPhi2), $1)
        }
        let fwhmFile = try create("RMSF_FWHM.fits", Array(qCube.shape.prefix(2)), headers.fwhm)
        let maxPIFile = try create("FDF_maxPI.fits", mapShape, headers.maxPI)
        let peakRMFile = try create("FDF_peakRM.fits", mapShape, headers.peakRM)
        let maxPIFitFile = try create("FDF_maxPI_fit.fits", mapShape, headers.maxPI)
        let peakRMFitFile = try create("FDF_peakRM_fit.fits", mapShape, headers.peakRM)
        let cleanOutputs = try clean.map {
            _ in try FaradayCleanOutputs(prefix: prefix, cubeShape: shape(nPhi),
                                         headers: FaradayCleanHeaders(dirtyReal: headers.fdf[0], history: history),
                                         planes: nPhi, residual: writeResidual)
        }
        outputs += cleanOutputs?.files ?? []

        let sharedReal = channels.rmsfReal.map { Float($0) }, sharedImag = channels.rmsfImag.map { Float($0) }
        var ownTotal = 0
        for s in 0..<slabs {
            let r = rows(s)
            let np = width * r.count
            let data = try kept ?? read(r)
            kept = nil
            var slab = FaradayCubeSlab(q: data.0, u: data.1, i: data.2, pixels: np, channels: channels)
            slab.synthesise(channels, matrix: matrix, threads: threads)
            ownTotal += slab.ownRMSFPixels.count
            // Every file's planes of this slab, the files written concurrently (cfitsio is
            // reentrant; each file is written by one thread).
            let done = slab
            let own = done.ownRMSFPixels
            var tasks: [PlaneWriter] = []
            tasks += PlaneWriter.complex(fdfFiles, done.fdfReal, done.fdfImag, planes: nPhi, pixels: np)
            // RMSF planes: the shared value, overridden where a pixel has its own.
            for part in 0..<3 {
                tasks.append(PlaneWriter(rmsfFiles[part], planes: nPhi2) { k, b in
                    let value = [sharedReal[k], sharedImag[k], complex32Modulus(sharedReal[k], sharedImag[k])][part]
                    for p in 0..<np { b[p] = value }
                    for (col, p) in own.enumerated() {
                        let x = done.ownRMSFReal[col * nPhi2 + k], y = done.ownRMSFImag[col * nPhi2 + k]
                        b[p] = [x, y, complex32Modulus(x, y)][part]
                    }
                })
            }
            let fwhmMap = done.fwhm
            for (file, map) in [(fwhmFile, fwhmMap), (maxPIFile, done.maxPI), (peakRMFile, done.peakRM),
                                (maxPIFitFile, done.maxPIFit), (peakRMFitFile, done.peakRMFit)] {
                tasks.append(PlaneWriter(file, planes: 1) { _, b in for p in 0..<np { b[p] = map[p] } })
            }
            try PlaneWriter.run(tasks, pixels: np, threads: threads, firstRow: r.lowerBound, planeAxis: f)
            if let clean, let cleanOutputs {
                slab.clean(clean, channels: channels, threads: threads)
                try PlaneWriter.run(cleanOutputs.writers(for: slab), pixels: np, threads: threads,
                                    firstRow: r.lowerBound, planeAxis: f)
            }
            progress(r.upperBound, height)
        }
        try commitConcurrently(outputs, threads: threads)
        return Summary(width: width, height: height, channels: nChan, faradayDepths: nPhi, dPhi: channels.axis.step,
                       fwhm: channels.fwhm, lambda0Squared: channels.lambda0Squared, slabs: slabs,
                       rowsPerSlab: rowsPerSlab, ownRMSFPixels: ownTotal, files: outputs.map(\.path))
    }
}

/// The planes of one output file for one slab: `fill(plane, buffer)` writes a plane's
/// pixels into the buffer, which goes to the file from row `firstRow` of plane `plane`.
/// Consecutive planes of a slab that spans the image are one run in the file, written in
/// large requests.
struct PlaneWriter: @unchecked Sendable {
    let file: FITSImageStream
    let planes: Int
    let fill: @Sendable (Int, UnsafeMutableBufferPointer<Float>) -> Void

    init(_ file: FITSImageStream, planes: Int, fill: @escaping @Sendable (Int, UnsafeMutableBufferPointer<Float>) -> Void) {
        self.file = file; self.planes = planes; self.fill = fill
    }

    /// Runs every writer, a slab's rows starting at row `firstRow` of each plane along the
    /// 1-based axis `planeAxis` (a file with one plane may have fewer axes); the first error
    /// is thrown. The planes are shared out in runs of consecutive planes of one file (a
    /// file of many planes in several runs), so that every thread writes until the end. The
    /// runs go round the files (a file's next run after one of every other file): two
    /// threads writing one file wait for each other (the kernel locks the file per write).
    static func run(_ writers: [PlaneWriter], pixels: Int, threads: Int, firstRow: Int, planeAxis: Int) throws {
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let total = writers.reduce(0) { $0 + $1.planes }
        let runLength = max(1, (total + workers * 4 - 1) / (workers * 4))
        let perFile = writers.indices.map { i in
            stride(from: 0, to: writers[i].planes, by: runLength).map { (i, $0..<min(writers[i].planes, $0 + runLength)) }
        }
        let rounds = perFile.map(\.count).max() ?? 0
        let runs = (0..<rounds).flatMap { r in perFile.compactMap { r < $0.count ? $0[r] : nil } }
        try parallelForThrowing(runs.count, threads: threads) { r in
            let (i, planes) = runs[r]
            let w = writers[i]
            var strides = [Int](), stride = 1
            for n in w.file.shape { strides.append(stride); stride *= n }
            var batch = FITSImageStream.Batch(w.file, capacity: max(pixels, FITSImageStream.Batch.defaultCapacity))
            for k in planes {
                let element = firstRow * strides[1] + (k == 0 ? 0 : k * strides[planeAxis - 1])
                try batch.append(at: element, count: pixels) { w.fill(k, $0) }
            }
            try batch.flush()
        }
    }
}
