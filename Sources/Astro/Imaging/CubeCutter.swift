import Foundation

/// Cuts the islands of one beam cube into small cubes (stage 1 of the pipeline).
///
/// One call opens the cube once and serves all its islands: each island's window is read
/// through every plane (Stokes, channels) straight from the file (memory-mapped when the
/// layout allows), so memory is bounded by the largest cutout, never the cube. Islands are
/// visited in order of their box's first row, which keeps reads of a large cube local.
///
/// Each island gets `<outputDirectory>/<Source_ID>/<Source_ID>.cutout.<cube basename>`:
/// NAXIS1/2 the box size, CRPIX1/2 shifted by -x0/-y0, every other card of the cube kept
/// (CRVAL, BMAJ/BMIN/BPA, INSTRUMENT_RECEPTOR_ANGLE, HISTORY...) and OBJECT = Source_ID.
/// Pixels keep the cube's BITPIX (and BSCALE/BZERO/BLANK). When `weights` is given it is
/// copied beside it as `<Source_ID>.cutout.<weights basename>`.
///
/// Fast path: for an uncompressed cube the cutout header is rendered once per cube by
/// cfitsio and only its NAXIS1/2, CRPIX1/2 and OBJECT cards are rewritten per island (as
/// cfitsio formats them), and the pixels are copied as stored (big-endian, unscaled) from
/// the memory-mapped cube: the file is byte for byte what writing it through cfitsio
/// gives, with one copy of the pixels and one `write`. Other cubes go through cfitsio.
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
    /// Use the fast path when the cube allows it (tests turn it off to compare).
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
        let source = try CubeSource(path: cube)
        let planner = try CutoutPlanner(header: source.header, path: cube, pad: pad)
        let weightsBytes = try weights.map { path throws(ImagingError) in try Self.readWeights(path) }
        let weightsDigest = weightsBytes.flatMap { bytes in contentDigest.map { digest in bytes.withUnsafeBytes { digest($0) } } }

        // Every entry is set below: a box fails, or its island is written or fails.
        var result = StagedCutouts(outcomes: Array(repeating: .failed(sourceID: "", reason: .noComponents), count: requests.count))
        var planned: [(index: Int, box: CutoutBox)] = []
        for (index, request) in requests.enumerated() {
            switch planner.box(for: request) {
            case .success(let box): planned.append((index, box))
            case .failure(let reason): result.outcomes[index] = .failed(sourceID: request.sourceID, reason: reason)
            }
        }
        planned.sort { ($0.box.y.lowerBound, $0.box.x.lowerBound, $0.index) < ($1.box.y.lowerBound, $1.box.x.lowerBound, $1.index) }

        var raw: RawCutoutWriter??  = allowsRawCopy ? nil : .some(nil)
        let imageSuffix = ".cutout." + basename(cube)
        let weightsSuffix = weights.map { ".cutout." + basename($0) }
        for (index, box) in planned {
            let request = requests[index]
            let directory = CutoutNames.directory(cutouts: outputDirectory, sourceID: request.sourceID)
            let image = directory + "/" + request.sourceID + imageSuffix             // CutoutNames.image
            let weightsCopy = weightsSuffix.map { directory + "/" + request.sourceID + $0 }   // CutoutNames.weights
            let group = staged.newGroup()
            do {
                try Self.makeDirectory(directory)
                if let weightsCopy, let weightsBytes {
                    try staged.write(weightsBytes, to: weightsCopy, group: group)
                }
                if raw == nil { raw = .some(try RawCutoutWriter(source: source, templateDirectory: directory)) }
                var imageDigest: String?
                if case .some(.some(var writer)) = raw,
                   try writer.stage(box: box, sourceID: request.sourceID, to: image, group: group, into: staged,
                                    digest: contentDigest, digested: &imageDigest) {
                    raw = .some(writer)
                } else {
                    let file = try source.writeCutout(box: box, sourceID: request.sourceID, to: image)
                    do {
                        staged.adopt(temporary: try file.finishUnrenamed(), final: image, group: group)
                    } catch {
                        throw CutoutFailure.writeFailed(path: image, reason: "\(error)")
                    }
                }
                var product = CutoutProduct(sourceID: request.sourceID, image: image, weights: weightsCopy, box: box)
                product.imageDigest = imageDigest
                product.weightsDigest = weightsCopy == nil ? nil : weightsDigest
                result.outcomes[index] = .written(product)
                result.groups[index] = group
            } catch let failure as CutoutFailure {
                staged.discard(group: group)
                result.outcomes[index] = .failed(sourceID: request.sourceID, reason: failure)
            } catch let error as ImagingError {
                throw error
            } catch {
                staged.discard(group: group)
                result.outcomes[index] = .failed(sourceID: request.sourceID, reason: .writeFailed(path: image, reason: "\(error)"))
            }
        }
        return result
    }

    private static func readWeights(_ path: String) throws(ImagingError) -> [UInt8] {
        do {
            return try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .badWeights(path: path, line: nil, reason: "cannot read: \((error as NSError).localizedDescription)")
        }
    }

    /// `mkdir`, creating parents only when needed (one system call when they exist).
    private static func makeDirectory(_ path: String) throws(CutoutFailure) {
        if mkdir(path, 0o777) == 0 || errno == EEXIST { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: path, reason: (error as NSError).localizedDescription)
        }
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

/// The fast path of one cube: its cutout header rendered once by cfitsio and patched per
/// island, pixels copied as stored from the memory map.
struct RawCutoutWriter {
    static let patched = ["NAXIS1", "NAXIS2", "CRPIX1", "CRPIX2", "OBJECT"]
    let reader: MappedImageReader
    var template: FITSHeaderTemplate
    let crpix1: Double
    let crpix2: Double
    let planes: Int

    /// Nil when the cube's layout or header needs the cfitsio path.
    init?(source: CubeSource, templateDirectory: String) throws(CutoutFailure) {
        guard let reader = source.file.mappedImage, reader.bitpix == source.bitpix else { return nil }
        // The header cfitsio writes for a 1 x 1 cutout, as the template.
        let box = CutoutBox(x: 0..<1, y: 0..<1)
        let bytes: [UInt8]
        do {
            let file = try source.writeCutout(box: box, sourceID: "TEMPLATE", to: "\(templateDirectory)/header-template.fits")
            let temporary = try file.finishUnrenamed()
            defer { unlink(temporary) }
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: temporary)))
        } catch {
            throw .writeFailed(path: templateDirectory, reason: "header template: \(error)")
        }
        guard let template = FITSHeaderTemplate(file: bytes, keywords: Self.patched) else { return nil }
        self.reader = reader
        self.template = template
        crpix1 = source.header.double("CRPIX1") ?? 1
        crpix2 = source.header.double("CRPIX2") ?? 1
        planes = source.shape.dropFirst(2).reduce(1, *)
    }

    /// Stages the cutout of `box` at `path`, its digest in `digested` when `digest` is given;
    /// false when a card cannot be patched (the caller then writes it through cfitsio).
    mutating func stage(box: CutoutBox, sourceID: String, to path: String, group: Int, into staged: StagedFiles,
                        digest: ((UnsafeRawBufferPointer) -> String)?, digested: inout String?) throws(CutoutFailure) -> Bool {
        guard template.set("NAXIS1", .integer(box.width)), template.set("NAXIS2", .integer(box.height)),
              template.set("CRPIX1", .real(crpix1 - Double(box.x.lowerBound))),
              template.set("CRPIX2", .real(crpix2 - Double(box.y.lowerBound))),
              template.set("OBJECT", .string(sourceID)) else { return false }
        let dataBytes = box.width * box.height * planes * reader.bytesPerPixel
        let total = template.count + (dataBytes + 2879) / 2880 * 2880
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: total, alignment: 64)
        defer { buffer.deallocate() }
        template.bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        reader.copyWindow(x: box.x, y: box.y, into: buffer.baseAddress! + template.count)
        (buffer.baseAddress! + template.count + dataBytes).initializeMemory(as: UInt8.self, repeating: 0,
                                                                            count: total - template.count - dataBytes)
        let bytes = UnsafeRawBufferPointer(buffer)
        try staged.write(bytes, to: path, group: group)
        digested = digest?(bytes)
        return true
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
    func writeCutout(box: CutoutBox, sourceID: String, to path: String) throws -> FITSFile {
        var cutoutHeader = header
        cutoutHeader.set("CRPIX1", .real((header.double("CRPIX1") ?? 1) - Double(box.x.lowerBound)))
        cutoutHeader.set("CRPIX2", .real((header.double("CRPIX2") ?? 1) - Double(box.y.lowerBound)))
        cutoutHeader.set("OBJECT", .string(sourceID))
        let outShape = [box.width, box.height] + shape.dropFirst(2)
        if bitpix == -32 {
            return try write(read(box, as: Float.self), shape: outShape, header: cutoutHeader, to: path)
        }
        return try write(read(box, as: Double.self), shape: outShape, header: cutoutHeader, to: path)
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
