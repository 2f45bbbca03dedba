#if canImport(Glibc)
import Glibc
#endif

/// One beam's cutout for a mosaic: its image cube, its channel weights file and where its
/// primary beam points.
public struct LinmosInput: Sendable, Equatable {
    public var image: String
    /// `# Channel Weight` text file (`chan 1/sigma^2` rows).
    public var weights: String
    /// The beam's pointing; nil means the image's CRVAL1/CRVAL2, as the original assumes.
    public var beamCentre: SkyPosition?

    public init(image: String, weights: String, beamCentre: SkyPosition? = nil) {
        self.image = image
        self.weights = weights
        self.beamCentre = beamCentre
    }
}

/// The primary-beam model of the mosaic.
public enum PrimaryBeamModel: Sendable {
    /// A circular Gaussian (FWHM 1.09 lambda / 12 m by default) centred on each beam's pointing.
    case gaussian(GaussianPrimaryBeam)

    public static var gaussian: PrimaryBeamModel { .gaussian(GaussianPrimaryBeam()) }
}

/// How the output grid was made.
public enum MosaicGridKind: Sendable, Equatable {
    /// All inputs share one celestial grid up to integer pixel offsets: combined pixel for pixel.
    case shared
    /// Inputs on different grids: bilinear resampling through sky coordinates onto the
    /// first input's grid.
    case resampled
}

/// What a mosaic call wrote.
public struct LinmosSummary: Sendable, Equatable {
    public var image: String
    public var weightImage: String
    /// (NAXIS1, NAXIS2, ...) of the outputs.
    public var shape: [Int]
    public var grid: MosaicGridKind
    /// Where each input's pixel (0, 0) lands on the output grid (shared grids only).
    public var offsets: [(x: Int, y: Int)]?
    /// Output pixels (over all planes) that no beam reaches (NaN).
    public var blankPixels: Int

    public static func == (a: LinmosSummary, b: LinmosSummary) -> Bool {
        a.image == b.image && a.weightImage == b.weightImage && a.shape == b.shape && a.grid == b.grid
            && a.blankPixels == b.blankPixels
            && a.offsets?.map { [$0.x, $0.y] } == b.offsets?.map { [$0.x, $0.y] }
    }
}

/// Linear mosaicking of beam cutouts (stage 2, the original's yandasoft `linmos`).
///
/// Per pixel and channel: out = sum_b w_b P_b I_b / sum_b w_b P_b^2, with w_b = 1/sigma_b^2
/// from the beam's weights file for that channel and P_b the primary beam at that channel's
/// frequency; beams with P_b < cutoff there are left out. The weight image holds
/// sum_b w_b P_b^2. Pixels no beam reaches are NaN in both.
///
/// Output grid: when all inputs share one celestial grid up to integer pixel offsets (same
/// projection, reference point, CDELT and PC/CD; CRPIX differing by whole pixels), the output
/// is the union of their boxes on that grid and pixels combine exactly. Otherwise the output
/// is the union of their footprints on the first input's grid and each input is resampled
/// bilinearly through sky coordinates (a pixel needs all four neighbours finite).
///
/// Headers come from the first input (BMAJ/BMIN/BPA and all other cards) with NAXIS1/2 and
/// CRPIX1/2 of the output grid. Work streams one plane (channel) at a time: memory is a few
/// planes per input, never a whole cube.
public struct Linmos: Sendable {
    /// Beams whose primary-beam response at a pixel is below this are left out there.
    public var cutoff: Double
    public var primaryBeam: PrimaryBeamModel

    public init(cutoff: Double = 0.01, primaryBeam: PrimaryBeamModel = .gaussian) {
        self.cutoff = cutoff
        self.primaryBeam = primaryBeam
    }

    /// Mosaics `inputs` into `image` and `weightImage` (written atomically).
    /// - Throws: `ImagingError` naming the input that cannot be read or does not match the
    ///   first (celestial axes, plane count, frequency axis), or the output that cannot be written.
    public func mosaic(_ inputs: [LinmosInput], image: String, weightImage: String) throws(ImagingError) -> LinmosSummary {
        guard !inputs.isEmpty else { throw .noInputs("a mosaic of \(image) needs at least one input") }
        let cubes = try inputs.map { input throws(ImagingError) in try MosaicInputCube(input) }
        let first = cubes[0]
        for cube in cubes.dropFirst() { try cube.requireCompatible(with: first) }
        let grid = MosaicGrid(inputs: cubes)
        let shape = [grid.width, grid.height] + first.shape.dropFirst(2)

        var header = first.header
        header.set("CRPIX1", .real(grid.crpix.x))
        header.set("CRPIX2", .real(grid.crpix.y))
        header.addHistory("arrakis linmos: \(cubes.count) input(s), \(grid.kind == .shared ? "shared grid" : "bilinear resampling"), cutoff \(cutoff)")
        var weightHeader = header
        weightHeader.remove("BUNIT")
        let imageFile = try Self.create(image, shape: shape, header: header)
        let weightFile = try Self.create(weightImage, shape: shape, header: weightHeader)

        var accumulator = MosaicAccumulator(width: grid.width, height: grid.height)
        var blank = 0
        for plane in 0..<first.planeCount {
            accumulator.reset()
            let channel = first.channel(ofPlane: plane)
            let fwhm = beamFWHM(frequency: first.frequencies[channel])
            for (cube, map) in zip(cubes, grid.maps) {
                let weight = cube.weights[channel]
                guard weight > 0 else { continue }
                accumulator.add(plane: try cube.readPlane(plane), inputWidth: cube.width, map: map,
                                weight: weight, fwhm: fwhm, cutoff: cutoff)
            }
            let (values, weights, blanks) = accumulator.finish()
            blank += blanks
            let element = fitsOffset([0, 0] + first.planeIndex(plane), shape: shape)
            try Self.write(values, at: element, to: imageFile)
            try Self.write(weights, at: element, to: weightFile)
        }
        try Self.commit(weightFile)
        do {
            try Self.commit(imageFile)
        } catch {
            unlink(weightImage)
            throw error
        }
        return LinmosSummary(image: image, weightImage: weightImage, shape: shape, grid: grid.kind,
                             offsets: grid.offsets, blankPixels: blank)
    }

    func beamFWHM(frequency: Double) -> Double {
        switch primaryBeam {
        case .gaussian(let beam): return beam.fwhm(frequency: frequency)
        }
    }

    /// The files are written as `FITSImageStream`s (the header as cfitsio renders it, the
    /// planes in large writes under a temporary name, renamed into place when whole): the
    /// same bytes as cfitsio's own writes, which went out 2,880 bytes per call.
    private static func create(_ path: String, shape: [Int], header: FITSHeader) throws(ImagingError) -> FITSImageStream {
        do {
            return try FITSImageStream.create(path, shape: shape, header: header)
        } catch {
            throw .writeFailed(path: path, reason: CubeSource.reason(error, path: path))
        }
    }

    private static func write(_ values: [Float], at element: Int, to file: FITSImageStream) throws(ImagingError) {
        do {
            try values.withUnsafeBufferPointer { try file.write($0, at: element) }
        } catch {
            throw .writeFailed(path: file.path, reason: CubeSource.reason(error, path: file.path))
        }
    }

    private static func commit(_ file: FITSImageStream) throws(ImagingError) {
        do {
            try file.commit()
        } catch {
            throw .writeFailed(path: file.path, reason: CubeSource.reason(error, path: file.path))
        }
    }
}
