/// The spectra of one component in an island's I, Q and U mosaics (and V, when asked).
public struct ExtractedSpectrum: Sendable, Equatable {
    /// Background-subtracted I, Q, U at the component's pixel, with the per-channel noise
    /// as dI, dQ, dU. Flagged channels are NaN in I, Q and U (their noise stays as measured).
    public var spectrum: Spectrum
    /// Per channel: the background (clipped annulus mean) of I, Q, U in `i`/`q`/`u` and the
    /// noise (clipped annulus population std) in `di`/`dq`/`du`.
    public var background: Spectrum
    /// True for channels flagged in all Stokes.
    public var flagged: [Bool]
    /// The 0-based pixel of the mosaics the spectrum was read from.
    public var pixel: (x: Int, y: Int)
    /// Background-subtracted Stokes V with its noise, when a V mosaic was given: same pixel,
    /// annulus and flags (NaN in flagged channels) as I, Q and U.
    public var circular: CircularSpectrum?
    /// V's background (the clipped annulus mean) per channel, when a V mosaic was given.
    public var circularBackground: [Double]?

    public static func == (a: ExtractedSpectrum, b: ExtractedSpectrum) -> Bool {
        a.spectrum == b.spectrum && a.background == b.background && a.flagged == b.flagged
            && a.pixel.x == b.pixel.x && a.pixel.y == b.pixel.y
            && a.circular == b.circular && a.circularBackground == b.circularBackground
    }
}

/// Reads a component's spectra from its island's mosaics (the extraction half of stage 4).
///
/// - The pixel nearest the component position (round half to even) in the mosaics.
/// - Per channel and Stokes, the pixels of an annulus around that pixel with radii
///   `innerRadius`..`outerRadius` x BMIN (converted to pixels with the header's BMIN and
///   pixel scale; strictly between the radii): 3-sigma-clipped mean (background) and
///   population standard deviation (noise), clipping about the median, up to 5 passes.
/// - The background is subtracted; the noise is the channel's dI/dQ/dU.
/// - A channel is flagged (NaN in I, Q and U) when, in any Stokes, its noise is a
///   `flagSigma` outlier from the median of the channels' noise (sigma = 1.4826 MAD, iterated
///   as astropy's sigma_clip), its noise is NaN, or its value is exactly 0 (blank).
/// - With a V mosaic, Stokes V is read at the same pixel and measured in the same annulus,
///   and takes part in the flagging like the other Stokes parameters (the original flags a
///   channel when the noise of any Stokes parameter it extracted is an outlier).
public struct SpectrumExtractor: Sendable {
    public var innerRadius: Double = 1.5
    public var outerRadius: Double = 5
    public var clipSigma: Double = 3
    public var flagSigma: Double = 5

    public init() {}

    /// Extracts the spectra at (ra, dec) from the three mosaics, or four with `vMosaic`
    /// (same grid and channels).
    /// - Throws: `ImagingError` naming the mosaic that cannot be read, lacks BMIN or a FREQ
    ///   axis, differs from the I mosaic, or does not contain the position.
    public func extract(ra: Double, dec: Double, iMosaic: String, qMosaic: String,
                        uMosaic: String, vMosaic: String? = nil) throws(ImagingError) -> ExtractedSpectrum {
        let i = try MosaicWindowReader(path: iMosaic)
        let q = try MosaicWindowReader(path: qMosaic)
        let u = try MosaicWindowReader(path: uMosaic)
        var readers = [i, q, u]
        if let vMosaic { readers.append(try MosaicWindowReader(path: vMosaic)) }
        for other in readers.dropFirst() { try other.requireSameGrid(as: i) }
        guard let position = i.wcs.pixel(ra: ra, dec: dec), position.x.isFinite, position.y.isFinite,
              abs(position.x) < 1e9, abs(position.y) < 1e9 else {
            throw .outside(path: iMosaic, ra: ra, dec: dec)
        }
        let x = Int(position.x.rounded(.toNearestOrEven)), y = Int(position.y.rounded(.toNearestOrEven))
        guard (0..<i.width).contains(x), (0..<i.height).contains(y) else {
            throw .outside(path: iMosaic, ra: ra, dec: dec)
        }
        let beamPixels = i.beamMinor / i.wcs.pixelScale
        let annulus = Annulus(centre: (x, y), inner: innerRadius * beamPixels, outer: outerRadius * beamPixels,
                              width: i.width, height: i.height)
        let channels = i.frequencies.count
        var values = [[Double]](), backgrounds = [[Double]](), noises = [[Double]]()
        for reader in readers {
            let window = try reader.read(annulus.window)
            let plane = annulus.window.width * annulus.window.height
            let centre = annulus.index(x: x, y: y)
            var value = [Double](repeating: .nan, count: channels)
            var background = value, noise = value
            for c in 0..<channels {
                let base = c * plane
                value[c] = Double(window[base + centre])
                let ring = annulus.offsets.map { Double(window[base + $0]) }
                if let stats = ClippedStatistics.clippedMeanAndStd(ring, sigma: clipSigma) {
                    background[c] = stats.mean
                    noise[c] = stats.std
                }
            }
            values.append(value); backgrounds.append(background); noises.append(noise)
        }
        var flagged = [Bool](repeating: false, count: channels)
        for s in readers.indices {
            let outliers = ClippedStatistics.madOutliers(noises[s], sigma: flagSigma)
            for c in 0..<channels where outliers[c] || !values[s][c].isFinite || values[s][c] == 0 {
                flagged[c] = true
            }
        }
        let subtracted = readers.indices.map { s in
            (0..<channels).map { c in flagged[c] ? Double.nan : values[s][c] - backgrounds[s][c] }
        }
        let frequencies = i.frequencies
        return ExtractedSpectrum(
            spectrum: Spectrum(frequency: frequencies, i: subtracted[0], q: subtracted[1], u: subtracted[2],
                               di: noises[0], dq: noises[1], du: noises[2]),
            background: Spectrum(frequency: frequencies, i: backgrounds[0], q: backgrounds[1], u: backgrounds[2],
                                 di: noises[0], dq: noises[1], du: noises[2]),
            flagged: flagged, pixel: (x, y),
            circular: vMosaic == nil ? nil : CircularSpectrum(frequency: frequencies, v: subtracted[3], dv: noises[3]),
            circularBackground: vMosaic == nil ? nil : backgrounds[3])
    }

    /// Writes `<directory>/<Gaussian_ID>.dat` (freq I Q U dI dQ dU) and
    /// `<directory>/<Gaussian_ID>_bkg.dat` (freq, background I Q U, noise I Q U), each
    /// atomically, and with Stokes V `<directory>/<Gaussian_ID>_v.dat` (freq V dV).
    /// Returns the paths.
    @discardableResult
    public static func write(_ extracted: ExtractedSpectrum, gaussianID: String,
                             directory: String) throws(ImagingError) -> (spectrum: String, background: String, circular: String?) {
        let spectrum = "\(directory)/\(SpectrumNames.spectrum(gaussianID: gaussianID))"
        let background = "\(directory)/\(SpectrumNames.background(gaussianID: gaussianID))"
        do {
            try SpectrumFile.write(extracted.spectrum, to: spectrum)
        } catch {
            throw .writeFailed(path: spectrum, reason: "\(error)")
        }
        do {
            try SpectrumFile.write(extracted.background, to: background)
        } catch {
            throw .writeFailed(path: background, reason: "\(error)")
        }
        guard let v = extracted.circular else { return (spectrum, background, nil) }
        let circular = "\(directory)/\(SpectrumNames.circular(gaussianID: gaussianID))"
        do {
            try CircularSpectrumFile.write(v, to: circular)
        } catch {
            throw .writeFailed(path: circular, reason: "\(error)")
        }
        return (spectrum, background, circular)
    }
}
