import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One cube's part of a `CubeCutter.stage` call: its islands' boxes, in bands of rows whose
/// cutouts fit the memory budget, each band with the reads it needs; and the writing of
/// each island's files once its band is assembled.
struct CubePass {
    /// An island cut by the coalesced reads, with its patched header.
    struct Island {
        let index: Int
        let box: CutoutBox
        let header: [UInt8]
    }

    /// Islands whose first rows are close, cut in one pass over the cube.
    struct Band {
        var raw: [Island] = []
        /// Islands written through cfitsio (no plain layout, or a header that needs it).
        var viaCFITSIO: [(index: Int, box: CutoutBox)] = []
        var plan = CoalescedReadPlan(spans: [], mergeGap: 0, maxRun: 1)
        var bytes = 0
    }

    let job: CutoutJob
    let source: CubeSource
    /// The cube's plain layout, nil when every island goes through cfitsio.
    let layout: RawImageLayout?
    private(set) var bands: [Band] = []
    private(set) var result: StagedCutouts
    private let weightsBytes: [UInt8]?
    private let weightsDigest: String?
    private let contentDigest: (@Sendable (UnsafeRawBufferPointer) -> String)?
    private let outputDirectory: String
    private let imageSuffix: String
    private let weightsSuffix: String?

    init(job: CutoutJob, cutter: CubeCutter, outputDirectory: String, bandBudget: Int, bufferBytes: Int) throws(ImagingError) {
        self.job = job
        self.outputDirectory = outputDirectory
        contentDigest = cutter.contentDigest
        source = try CubeSource(path: job.cube)
        let planner = try CutoutPlanner(header: source.header, path: job.cube, pad: cutter.pad)
        let weightsBytes = try job.weights.map { path throws(ImagingError) in try Self.readWeights(path) }
        self.weightsBytes = weightsBytes
        weightsDigest = weightsBytes.flatMap { bytes in cutter.contentDigest.map { digest in bytes.withUnsafeBytes { digest($0) } } }
        imageSuffix = ".cutout." + basename(job.cube)
        weightsSuffix = job.weights.map { ".cutout." + basename($0) }

        // Every entry is set: a box fails, or its island is written or fails.
        result = StagedCutouts(outcomes: Array(repeating: .failed(sourceID: "", reason: .noComponents), count: job.requests.count))
        var planned: [(index: Int, box: CutoutBox)] = []
        for (index, request) in job.requests.enumerated() {
            switch planner.box(for: request) {
            case .success(let box): planned.append((index, box))
            case .failure(let reason): result.outcomes[index] = .failed(sourceID: request.sourceID, reason: reason)
            }
        }
        planned.sort { ($0.box.y.lowerBound, $0.box.x.lowerBound, $0.index) < ($1.box.y.lowerBound, $1.box.x.lowerBound, $1.index) }

        var headers = cutter.allowsRawCopy && !planned.isEmpty && (try? Self.makeDirectory(outputDirectory)) != nil
            ? CutoutHeaders(source: source, directory: outputDirectory) : nil
        layout = headers?.layout
        var band = Band()
        for (index, box) in planned {
            guard let layout, let header = headers?.header(box: box, sourceID: job.requests[index].sourceID) else {
                band.viaCFITSIO.append((index, box))
                continue
            }
            let size = CutoutAssembly.fileBytes(box: box, headerBytes: header.count, layout: layout)
            if !band.raw.isEmpty && band.bytes + size > bandBudget {
                bands.append(band)
                band = Band()
            }
            band.raw.append(Island(index: index, box: box, header: header))
            band.bytes += size
        }
        if !band.raw.isEmpty || !band.viaCFITSIO.isEmpty { bands.append(band) }
        if let layout {
            for b in bands.indices where !bands[b].raw.isEmpty {
                bands[b].plan = CoalescedReadPlan(spans: layout.spans(of: bands[b].raw.map(\.box)), mergeGap: cutter.mergeGap,
                                                  maxRun: bufferBytes, fileSize: Int(source.file.fileSize))
            }
        }
    }

    /// Stages island `index`'s files: the weights copy, then the image, `file` when the
    /// band assembled it, else written through cfitsio.
    mutating func write(_ index: Int, box: CutoutBox, file: UnsafeRawBufferPointer?,
                        into staged: StagedFiles) throws(ImagingError) {
        let request = job.requests[index]
        let directory = CutoutNames.directory(cutouts: outputDirectory, sourceID: request.sourceID)
        let image = directory + "/" + request.sourceID + imageSuffix             // CutoutNames.image
        let weightsCopy = weightsSuffix.map { directory + "/" + request.sourceID + $0 }   // CutoutNames.weights
        let group = staged.newGroup()
        do {
            try Self.makeDirectory(directory)
            if let weightsCopy, let weightsBytes {
                try staged.write(weightsBytes, to: weightsCopy, group: group)
            }
            var imageDigest: String?
            if let file {
                try staged.write(file, to: image, group: group)
                imageDigest = contentDigest?(file)
            } else {
                let cutout = try source.writeCutout(box: box, sourceID: request.sourceID, to: image)
                do {
                    staged.adopt(temporary: try cutout.finishUnrenamed(), final: image, group: group)
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
