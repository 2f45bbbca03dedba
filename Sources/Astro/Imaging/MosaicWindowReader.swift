/// A mosaic opened for spectrum extraction: celestial grid, channel frequencies, BMIN,
/// and windows read through every channel.
struct MosaicWindowReader {
    let path: String
    let file: FITSFile
    let header: FITSHeader
    let shape: [Int]
    let wcs: CelestialWCS
    let frequencies: [Double]
    /// BMIN (deg).
    let beamMinor: Double

    var width: Int { shape[0] }
    var height: Int { shape[1] }

    init(path: String) throws(ImagingError) {
        self.path = path
        do {
            file = try FITSFile.open(path)
            header = try file.readHeader()
            shape = try file.imageShape()
        } catch {
            throw .unreadable(path: path, reason: CubeSource.reason(error, path: path))
        }
        do {
            wcs = try CelestialWCS(header: header)
        } catch {
            throw .badHeader(path: path, reason: "celestial WCS: \(error)")
        }
        guard shape.count >= 3, wcs.axes.longitude + wcs.axes.latitude == 3 else {
            throw .badHeader(path: path, reason: "a mosaic needs celestial axes 1 and 2 and a FREQ axis (shape \(shape))")
        }
        let spectral: SpectralAxis
        do {
            spectral = try SpectralAxis(header: header)
        } catch {
            throw .badHeader(path: path, reason: "\(error)")
        }
        guard spectral.axis >= 3, spectral.axis <= shape.count,
              shape.dropFirst(2).reduce(1, *) == shape[spectral.axis - 1] else {
            throw .badHeader(path: path, reason: "every axis but the celestial and FREQ axes must have length 1 (shape \(shape))")
        }
        frequencies = spectral.frequencies(count: shape[spectral.axis - 1])
        guard let bmin = header.double("BMIN"), bmin > 0, bmin.isFinite else {
            throw .badHeader(path: path, reason: "BMIN (restoring beam minor axis, deg) missing or not positive")
        }
        beamMinor = bmin
    }

    /// Throws unless `other` has this reader's shape, grid and frequencies.
    func requireSameGrid(as other: MosaicWindowReader) throws(ImagingError) {
        guard shape == other.shape else {
            throw .mismatch(path: path, reason: "shape \(shape) differs from \(other.path) (\(other.shape))")
        }
        for (x, y) in [(0.0, 0.0), (Double(width - 1), Double(height - 1))] {
            guard let a = wcs.sky(x: x, y: y), let b = other.wcs.sky(x: x, y: y),
                  SkyMath.separation(a.ra, a.dec, b.ra, b.dec) < 1e-3 * wcs.pixelScale else {
                throw .mismatch(path: path, reason: "its celestial grid differs from \(other.path)")
            }
        }
        for (a, b) in zip(frequencies, other.frequencies) where abs(a - b) > 1e-6 * abs(b) {
            throw .mismatch(path: path, reason: "channel frequency \(a) Hz differs from \(b) Hz in \(other.path)")
        }
    }

    /// The window's pixels through every channel (x fastest, then y, then channel).
    func read(_ window: CutoutBox) throws(ImagingError) -> [Float] {
        do {
            return try file.readWindow(x: window.x, y: window.y, as: Float.self).values
        } catch {
            throw .unreadable(path: path, reason: CubeSource.reason(error, path: path))
        }
    }
}
