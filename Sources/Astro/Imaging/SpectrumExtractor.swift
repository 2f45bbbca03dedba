/// The spectra of one component in an island's I, Q and U mosaics.
public struct ExtractedSpectrum: Sendable, Equatable {
    /// Background-subtracted I, Q, U at the component's pixel, with the per-channel noise
    /// as dI, dQ, dU. Flagged channels are NaN in I, Q and U (and their noise).
    public var spectrum: Spectrum
    /// Per channel: the background (clipped annulus mean) of I, Q, U in `i`/`q`/`u` and the
    /// noise (clipped annulus population std) in `di`/`dq`/`du`.
    public var background: Spectrum
    /// True for channels flagged in all Stokes.
    public var flagged: [Bool]
    /// The 0-based pixel of the mosaics the spectrum was read from.
    public var pixel: (x: Int, y: Int)

    public static func == (a: ExtractedSpectrum, b: ExtractedSpectrum) -> Bool {
        a.spectrum == b.spectrum && a.background == b.background && a.flagged == b.flagged
            && a.pixel.x == b.pixel.x && a.pixel.y == b.pixel.y
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
public struct SpectrumExtractor: Sendable {
    public var innerRadius: Double = 1.5
    public var outerRadius: Double = 5
    public var clipSigma: Double = 3
    public var flagSigma: Double = 5

    public init() {}

    /// Extracts the spectra at (ra, dec) from the three mosaics (same grid and channels).
    /// - Throws: `ImagingError` naming the mosaic that cannot be read, lacks BMIN or a FREQ
    ///   axis, differs from the I mosaic, or does not contain the position.
    public func extract(ra: Double, dec: Double, iMosaic: String, qMosaic: String,
                        uMosaic: String) throws(ImagingError) -> ExtractedSpectrum {
        throw .unreadable(path: iMosaic, reason: "SpectrumExtractor is not implemented yet")
    }

    /// Writes `<directory>/<Gaussian_ID>.dat` (freq I Q U dI dQ dU) and
    /// `<directory>/<Gaussian_ID>_bkg.dat` (freq, background I Q U, noise I Q U), each
    /// atomically. Returns the two paths.
    @discardableResult
    public static func write(_ extracted: ExtractedSpectrum, gaussianID: String,
                             directory: String) throws(ImagingError) -> (spectrum: String, background: String) {
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
        return (spectrum, background)
    }
}
