/// One opened LINMOS input: its cube, celestial grid, channel weights and beam centre.
struct MosaicInputCube {
    let path: String
    let file: FITSFile
    let header: FITSHeader
    /// (NAXIS1, NAXIS2, ...).
    let shape: [Int]
    let wcs: CelestialWCS
    let weights: ChannelWeights
    let beamCentre: SkyPosition
    /// Frequencies (Hz) of the channels.
    let frequencies: [Double]
    /// 0-based index (into `shape`) of the FREQ axis.
    let frequencyAxis: Int

    var width: Int { shape[0] }
    var height: Int { shape[1] }
    /// Planes behind each celestial pixel (product of NAXIS3...).
    var planeCount: Int { shape.dropFirst(2).reduce(1, *) }

    init(_ input: LinmosInput) throws(ImagingError) {
        path = input.image
        do {
            file = try FITSFile.open(input.image)
            header = try file.readHeader()
            shape = try file.imageShape()
        } catch {
            throw .unreadable(path: input.image, reason: CubeSource.reason(error, path: input.image))
        }
        guard shape.count >= 3 else {
            throw .badHeader(path: path, reason: "a mosaic input needs a FREQ axis after the two celestial axes (NAXIS = \(shape.count))")
        }
        do {
            wcs = try CelestialWCS(header: header)
        } catch {
            throw .badHeader(path: path, reason: "celestial WCS: \(error)")
        }
        guard wcs.axes.longitude + wcs.axes.latitude == 3 else {
            throw .badHeader(path: path, reason: "the celestial axes must be axes 1 and 2")
        }
        let spectral: SpectralAxis
        do {
            spectral = try SpectralAxis(header: header)
        } catch {
            throw .badHeader(path: path, reason: "\(error)")
        }
        guard spectral.axis >= 3, spectral.axis <= shape.count else {
            throw .badHeader(path: path, reason: "the FREQ axis must follow the celestial axes (it is axis \(spectral.axis))")
        }
        frequencyAxis = spectral.axis - 1
        frequencies = spectral.frequencies(count: shape[frequencyAxis])
        weights = try ChannelWeights.read(input.weights)
        let listed = weights.weights.prefix(frequencies.count).filter { !$0.isNaN }.count
        guard listed == frequencies.count else {
            throw .badWeights(path: input.weights, line: nil,
                              reason: "lists \(listed) of the \(frequencies.count) channels of \(path)")
        }
        beamCentre = input.beamCentre ?? SkyPosition(ra: wcs.reference.ra, dec: wcs.reference.dec)
    }

    /// The 0-based index of plane `plane` (0 ..< planeCount) on axes 3...
    func planeIndex(_ plane: Int) -> [Int] {
        var rest = plane
        return shape.dropFirst(2).map { n in
            defer { rest /= n }
            return rest % n
        }
    }

    /// The channel of plane `plane`.
    func channel(ofPlane plane: Int) -> Int {
        planeIndex(plane)[frequencyAxis - 2]
    }

    /// Reads one celestial plane (width x height, x fastest).
    func readPlane(_ plane: Int) throws(ImagingError) -> [Float] {
        let index = planeIndex(plane)
        do {
            return try file.readPixels(lower: [0, 0] + index, upper: [width, height] + index.map { $0 + 1 },
                                       as: Float.self).values
        } catch {
            throw .unreadable(path: path, reason: CubeSource.reason(error, path: path))
        }
    }

    /// Throws unless this input's planes and frequencies match `first`'s.
    func requireCompatible(with first: MosaicInputCube) throws(ImagingError) {
        guard Array(shape.dropFirst(2)) == Array(first.shape.dropFirst(2)), frequencyAxis == first.frequencyAxis else {
            throw .mismatch(path: path, reason: "shape \(shape) does not match \(first.path) (shape \(first.shape)) beyond the celestial axes")
        }
        for (a, b) in zip(frequencies, first.frequencies) where abs(a - b) > 1e-6 * abs(b) {
            throw .mismatch(path: path, reason: "channel frequency \(a) Hz differs from \(b) Hz in \(first.path)")
        }
    }
}
