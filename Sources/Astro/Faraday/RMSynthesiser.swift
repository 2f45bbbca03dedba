/// RM synthesis and RM-CLEAN of 1-D spectra, reproducing RM-Tools 1.5.0's `rmsynth1d` and
/// `rmclean1d` (see shared/reference/ARRAKIS.md for the formulas).
///
/// A synthesiser owns its work buffers and reuses them from one spectrum to the next, so
/// the per-spectrum cost is arithmetic, not allocation: keep one per thread (it is not
/// thread-safe) and feed it spectra.
///
/// ```swift
/// let synthesiser = RMSynthesiser()
/// let dirty = try synthesiser.synthesise(spectrum)
/// let clean = try synthesiser.clean()          // CLEANs the FDF just synthesised
/// ```
public final class RMSynthesiser {
    public var settings: RMSynthesisSettings

    /// Speed of light (m/s).
    public static let speedOfLight = 299_792_458.0

    private var workspace = SynthesisWorkspace()

    public init(settings: RMSynthesisSettings = .pipeline) {
        self.settings = settings
    }

    /// Fits Stokes I, forms q = Q/I_model and u = U/I_model, synthesises the FDF and RMSF
    /// and measures the peak, noise, angles and sigma_add, as `rmsynth1d`.
    public func synthesise(_ spectrum: Spectrum) throws(FaradayError) -> RMSynthesisResult {
        let settings = self.settings
        let input = settings.ignoreStokesI ? spectrum.withStokesIIgnored() : spectrum
        return try withWorkspace { (w: inout SynthesisWorkspace) throws(FaradayError) in
            try w.synthesise(input, settings: settings)
        }
    }

    /// Hogbom RM-CLEAN of the FDF from the last ``synthesise(_:)``, as `rmclean1d`: subtract
    /// gain x peak x RMSF at the residual's peak until the peak drops below the cutoff,
    /// restore the components with a Gaussian of the RMSF's FWHM, add the residual and
    /// measure the peak again.
    public func clean(_ settings: RMCleanSettings = .pipeline) throws(FaradayError) -> RMCleanResult {
        try withWorkspace { (w: inout SynthesisWorkspace) throws(FaradayError) in try w.clean(settings) }
    }

    /// The arrays of the last synthesis, as RM-Tools writes them (`_FDFdirty.dat`,
    /// `_RMSF.dat`, `_weight.dat`); nil before the first successful synthesis.
    public var synthesisProducts: RMSynthesisProducts? { workspace.synthesisProducts }

    /// The arrays of the last CLEAN (`_FDFclean.dat`, `_FDFmodel.dat`); nil if the last
    /// synthesis has not been cleaned.
    public var cleanProducts: RMCleanProducts? { workspace.cleanProducts }

    /// Runs `body` on the workspace moved out of the object, so the hot loops work on a
    /// uniquely referenced local value (no copy-on-write, no dynamic exclusivity checks).
    private func withWorkspace<R>(_ body: (inout SynthesisWorkspace) throws(FaradayError) -> R) throws(FaradayError) -> R {
        var local = SynthesisWorkspace()
        swap(&local, &workspace)
        defer { swap(&local, &workspace) }
        return try body(&local)
    }
}

/// Arrays of one RM synthesis: FDF (Jy/beam) on `phi`, RMSF on `rmsfPhi`, channel weights.
public struct RMSynthesisProducts: Sendable {
    public var phi: [Double]
    public var fdfReal: [Double]
    public var fdfImag: [Double]
    public var rmsfPhi: [Double]
    public var rmsfReal: [Double]
    public var rmsfImag: [Double]
    public var frequency: [Double]
    public var weight: [Double]
}

/// Arrays of one RM-CLEAN: the restored FDF and the clean components on `phi`.
public struct RMCleanProducts: Sendable {
    public var phi: [Double]
    public var cleanReal: [Double]
    public var cleanImag: [Double]
    public var modelReal: [Double]
    public var modelImag: [Double]
}
