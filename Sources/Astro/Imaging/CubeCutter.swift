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
/// copied beside it as `<Source_ID>.cutout.<weights basename>`. Every file is written under
/// a temporary name and renamed when complete; the image is renamed last, so an image
/// cutout never exists without its weights.
public struct CubeCutter: Sendable {
    /// Padding in restoring-beam widths (the original's `--pad`).
    public var pad: Double

    public init(pad: Double = 3) {
        self.pad = pad
    }

    /// Cuts `requests` out of `cube`, one outcome per request in order.
    ///
    /// - Throws: `ImagingError` only for problems of the cube or weights file as a whole
    ///   (unreadable, truncated, no usable WCS or BMAJ, weights file unreadable), naming the
    ///   path. An island that cannot be cut (off the image, no components, write failure)
    ///   is a `.failed` outcome naming it; the others are still written.
    public func cut(cube: String, weights: String?, requests: [CutoutRequest],
                    outputDirectory: String) throws(ImagingError) -> [CutoutOutcome] {
        let source = try CubeSource(path: cube)
        let planner = try CutoutPlanner(header: source.header, path: cube, pad: pad)
        let weightsBytes = try weights.map { path throws(ImagingError) in try Self.readWeights(path) }

        var outcomes = [CutoutOutcome?](repeating: nil, count: requests.count)
        var planned: [(index: Int, box: CutoutBox)] = []
        for (index, request) in requests.enumerated() {
            switch planner.box(for: request) {
            case .success(let box): planned.append((index, box))
            case .failure(let reason): outcomes[index] = .failed(sourceID: request.sourceID, reason: reason)
            }
        }
        planned.sort { ($0.box.y.lowerBound, $0.box.x.lowerBound, $0.index) < ($1.box.y.lowerBound, $1.box.x.lowerBound, $1.index) }

        for (index, box) in planned {
            let request = requests[index]
            let directory = CutoutNames.directory(cutouts: outputDirectory, sourceID: request.sourceID)
            let image = "\(directory)/\(CutoutNames.image(sourceID: request.sourceID, cube: cube))"
            let weightsCopy = weights.map { "\(directory)/\(CutoutNames.weights(sourceID: request.sourceID, weights: $0))" }
            do {
                try Self.makeDirectory(directory)
                let file = try source.writeCutout(box: box, sourceID: request.sourceID, to: image)
                if let weightsCopy, let weightsBytes { try Self.writeAtomically(weightsBytes, to: weightsCopy) }
                do {
                    try file.commit()
                } catch {
                    if let weightsCopy { unlink(weightsCopy) }
                    throw CutoutFailure.writeFailed(path: image, reason: "\(error)")
                }
                outcomes[index] = .written(CutoutProduct(sourceID: request.sourceID, image: image,
                                                         weights: weightsCopy, box: box))
            } catch let failure as CutoutFailure {
                outcomes[index] = .failed(sourceID: request.sourceID, reason: failure)
            } catch let error as ImagingError {
                throw error
            } catch {
                outcomes[index] = .failed(sourceID: request.sourceID, reason: .writeFailed(path: image, reason: "\(error)"))
            }
        }
        return outcomes.map { $0! }
    }

    private static func readWeights(_ path: String) throws(ImagingError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .badWeights(path: path, line: nil, reason: "cannot read: \((error as NSError).localizedDescription)")
        }
    }

    private static func makeDirectory(_ path: String) throws(CutoutFailure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .writeFailed(path: path, reason: (error as NSError).localizedDescription)
        }
    }

    private static func writeAtomically(_ data: Data, to path: String) throws(CutoutFailure) {
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .writeFailed(path: path, reason: (error as NSError).localizedDescription)
        }
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
