import Foundation

/// Cuts the islands of beam cubes into small cubes (stage 1 of the pipeline).
///
/// One pass per cube in the cube's storage order (x fastest, then y, then channel, then
/// Stokes) serves all its islands: the bytes their boxes need through every plane (per
/// row, the union of the boxes' x ranges) become a `CoalescedReadPlan` (whole pages, small
/// gaps read through, nothing read twice), read by a `SequentialRunReader` on a second
/// thread into a bounded pool of buffers while this thread copies each read into the
/// cutouts it holds (`CutoutAssembly`) and writes the finished files. The cutouts of a cube
/// are held whole until its pass ends; when they do not fit in `memoryBudget` the islands
/// are taken in bands of rows (by their box's first row), one pass per band, each band
/// reading only its rows. Memory is bounded by `memoryBudget` (and the largest single
/// cutout), never by the cube.
///
/// Each island gets `<outputDirectory>/<Source_ID>/<Source_ID>.cutout.<cube basename>`:
/// NAXIS1/2 the box size, CRPIX1/2 shifted by -x0/-y0, every other card of the cube kept
/// (CRVAL, BMAJ/BMIN/BPA, INSTRUMENT_RECEPTOR_ANGLE, HISTORY...) and OBJECT = Source_ID.
/// Pixels keep the cube's BITPIX (and BSCALE/BZERO/BLANK). When `weights` is given it is
/// copied beside it as `<Source_ID>.cutout.<weights basename>`.
///
/// The header of an uncompressed cube's cutouts is rendered once per cube by cfitsio and
/// only its NAXIS1/2, CRPIX1/2 and OBJECT cards are rewritten per island (`CutoutHeaders`),
/// and the pixels are copied as stored (big-endian, unscaled): each file is byte for byte
/// what writing it through cfitsio gives, and one `write`. Other cubes (compressed,
/// gzipped), and islands whose Source_ID does not fit one card, go through cfitsio.
///
/// Every file is written under a temporary name (`stage` puts them in a `StagedFiles`
/// batch; `cut` commits it: one `syncfs`, then renames, the weights before the image, so
/// an image cutout never exists without its weights).
public struct CubeCutter: Sendable {
    /// Padding in restoring-beam widths (the original's `--pad`).
    public var pad: Double
    /// Digest of a file's bytes, applied to each image and weights copy as it is written so
    /// that callers need not read them back (`CutoutProduct.imageDigest`); nil: none.
    public var contentDigest: (@Sendable (UnsafeRawBufferPointer) -> String)?
    /// The memory the cutter may hold for pixels (read buffers and the cutouts being
    /// assembled), in bytes; default 1 GiB. A quarter of it (at most 64 MiB) is the read
    /// buffers, the rest one band of cutouts; a single cutout larger than that is still cut.
    public var memoryBudget: Int = 1 << 30
    /// Gaps shorter than this between the bytes a cube's islands need are read through
    /// rather than skipped (one longer request instead of two). 32 KiB: on the 18 GB field
    /// of `bench/field.sh` it reads 4% less than 256 KiB (17.8 GB against 18.5) in the same
    /// time within the disk's noise; skipping every gap (0) was no faster.
    public var mergeGap: Int = 32 << 10
    /// Cut uncompressed cubes with the coalesced reads (tests turn it off to compare with
    /// writing every cutout through cfitsio).
    var allowsRawCopy = true

    public init(pad: Double = 3, contentDigest: (@Sendable (UnsafeRawBufferPointer) -> String)? = nil) {
        self.pad = pad
        self.contentDigest = contentDigest
    }

    /// Cuts `requests` out of `cube`, one outcome per request in order; the files are in
    /// place when it returns.
    ///
    /// - Throws: `ImagingError` only for problems of the cube or weights file as a whole
    ///   (unreadable, truncated, no usable WCS or BMAJ, weights file unreadable), naming the
    ///   path. An island that cannot be cut (off the image, no components, write failure)
    ///   is a `.failed` outcome naming it; the others are still written.
    public func cut(cube: String, weights: String?, requests: [CutoutRequest],
                    outputDirectory: String) throws(ImagingError) -> [CutoutOutcome] {
        let staged = StagedFiles()
        let cutouts = try stage(cube: cube, weights: weights, requests: requests,
                                outputDirectory: outputDirectory, into: staged)
        return cutouts.outcomes(afterCommit: staged.commit())
    }

    /// Writes the cutouts of `requests` into `staged` without putting them in place:
    /// they appear when the batch is committed (`StagedCutouts.outcomes(afterCommit:)`).
    /// Several cubes may share one batch, so that one sync serves them all.
    public func stage(cube: String, weights: String?, requests: [CutoutRequest],
                      outputDirectory: String, into staged: StagedFiles) throws(ImagingError) -> StagedCutouts {
        try stage([CutoutJob(cube: cube, weights: weights, requests: requests)],
                  outputDirectory: outputDirectory, into: staged)[0]
    }

    /// Stages the cutouts of several cubes (a beam's Stokes cubes), one `StagedCutouts` per
    /// job in order. The cubes are read one after the other by one reader thread, so the
    /// next cube's reads start while this one's last cutouts are being written.
    public func stage(_ jobs: [CutoutJob], outputDirectory: String,
                      into staged: StagedFiles) throws(ImagingError) -> [StagedCutouts] {
        let pool = min(64 << 20, max(memoryBudget / 4, 4 * 4096))
        let bufferBytes = max(4096, pool / 4 / 4096 * 4096)
        var cubes: [CubePass] = []
        for job in jobs {
            cubes.append(try CubePass(job: job, cutter: self, outputDirectory: outputDirectory,
                                      bandBudget: max(1, memoryBudget - pool), bufferBytes: bufferBytes))
        }
        let reads = cubes.flatMap { cube in cube.bands.map { (path: cube.source.path, runs: $0.plan.runs) } }
        let reader = reads.contains { !$0.runs.isEmpty } ? SequentialRunReader(files: reads, buffers: 4, bufferBytes: bufferBytes) : nil
        var results: [StagedCutouts] = []
        for var cube in cubes {
            for band in cube.bands {
                guard let layout = cube.layout, !band.raw.isEmpty else {
                    for island in band.viaCFITSIO { try cube.write(island.index, box: island.box, file: nil, into: staged) }
                    continue
                }
                let assembly = CutoutAssembly(layout: layout, boxes: band.raw.map(\.box), headers: band.raw.map(\.header))
                for _ in band.plan.runs {
                    guard let chunk = reader?.next() else {
                        throw .unreadable(path: cube.source.path, reason: "the reads ended early")
                    }
                    if let error = chunk.error { throw .unreadable(path: cube.source.path, reason: error) }
                    assembly.absorb(chunk.bytes, range: chunk.range)
                    reader?.recycle(chunk)
                }
                for (k, island) in band.raw.enumerated() {
                    try cube.write(island.index, box: island.box, file: assembly.file(k), into: staged)
                }
                for island in band.viaCFITSIO { try cube.write(island.index, box: island.box, file: nil, into: staged) }
            }
            results.append(cube.result)
        }
        return results
    }
}

/// The cutouts of one or more `CubeCutter.stage` calls, written but not yet in place.
public struct StagedCutouts: Sendable {
    /// One per request, in order; `.written` ones are staged, not yet visible.
    public var outcomes: [CutoutOutcome]
    /// The staged group of each written outcome, by request index.
    var groups: [Int: Int] = [:]

    init(outcomes: [CutoutOutcome]) {
        self.outcomes = outcomes
    }

    /// The outcomes once the batch is committed: islands whose files failed to appear
    /// (`StagedFiles.commit()`'s failures) become `.failed`.
    public func outcomes(afterCommit failures: [Int: CutoutFailure]) -> [CutoutOutcome] {
        guard !failures.isEmpty else { return outcomes }
        var out = outcomes
        for (index, group) in groups {
            if let failure = failures[group] { out[index] = .failed(sourceID: outcomes[index].sourceID, reason: failure) }
        }
        return out
    }
}

/// The open cube of a cutout call: its header, shape and pixel type.
struct CubeSource {
    let path: String
    let file: FITSFile
    let header: FITSHeader
    let shape: [Int]
    let bitpix: Int

    init(path: String) throws(ImagingError) {
        self.path = path
        do {
            file = try FITSFile.open(path)
            header = try file.readHeader()
            shape = try file.imageShape()
            bitpix = try file.imageBitpix()
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error, path: path))
        }
        guard shape.count >= 2 else {
            throw .badHeader(path: path, reason: "a cube needs at least 2 image axes, NAXIS = \(shape.count)")
        }
    }

    /// Reads the box through every plane and writes it to a temporary file for `path`;
    /// the caller commits it. Read failures are the cube's (thrown as `ImagingError`),
    /// write failures the island's (`CutoutFailure`).
    /// With `zeroPixels` the pixels are not read but zeros (for a header template: the
    /// cube's pixels need not be touched, nor mapped).
    func writeCutout(box: CutoutBox, sourceID: String, to path: String, zeroPixels: Bool = false) throws -> FITSFile {
        var cutoutHeader = header
        cutoutHeader.set("CRPIX1", .real((header.double("CRPIX1") ?? 1) - Double(box.x.lowerBound)))
        cutoutHeader.set("CRPIX2", .real((header.double("CRPIX2") ?? 1) - Double(box.y.lowerBound)))
        cutoutHeader.set("OBJECT", .string(sourceID))
        let outShape = [box.width, box.height] + shape.dropFirst(2)
        let count = outShape.reduce(1, *)
        if bitpix == -32 {
            let values = zeroPixels ? [Float](repeating: 0, count: count) : try read(box, as: Float.self)
            return try write(values, shape: outShape, header: cutoutHeader, to: path)
        }
        let values = zeroPixels ? [Double](repeating: 0, count: count) : try read(box, as: Double.self)
        return try write(values, shape: outShape, header: cutoutHeader, to: path)
    }

    private func read<T: FITSFloat>(_ box: CutoutBox, as: T.Type) throws(ImagingError) -> [T] {
        do {
            return try file.readWindow(x: box.x, y: box.y, as: T.self).values
        } catch {
            throw .unreadable(path: path, reason: Self.reason(error, path: path))
        }
    }

    private func write<T: FITSFloat>(_ values: [T], shape: [Int], header: FITSHeader,
                                     to output: String) throws(CutoutFailure) -> FITSFile {
        do {
            let out = try FITSFile.create(output)
            try out.createImage(bitpix: bitpix, shape: shape, header: header)
            try out.writePixels(values, from: shape.map { _ in 0 })
            return out
        } catch {
            throw .writeFailed(path: output, reason: Self.reason(error, path: output))
        }
    }

    /// An error's message without a leading "path: " (the ImagingError names the path).
    static func reason(_ error: any Error, path: String) -> String {
        let text = "\(error)"
        return text.hasPrefix("\(path): ") ? String(text.dropFirst(path.count + 2)) : text
    }
}
