/// How channels are weighted in RM synthesis.
public enum RMWeighting: String, Sendable, CaseIterable {
    /// w = 1 / sigma_qu^2 with sigma_qu = |dq + du| / 2 (RM-Tools' "variance").
    case variance
    /// w = 1 for every usable channel.
    case uniform
}

/// RM-synthesis settings, named after RM-Tools' `run_rmsynth` arguments. The defaults are
/// the pipeline's: polyOrd 3, fit_function log, nSamples 5, variance weights.
public struct RMSynthesisSettings: Sendable, Equatable {
    /// `polyOrd`: Stokes I polynomial order 0...5, or -1...-5 to let the fit choose up to |n|.
    public var polyOrder = 3
    /// `fit_function`.
    public var fitFunction = StokesIFitFunction.log
    /// `nSamples`: Faraday-depth samples per RMSF FWHM (ignored if `dPhi` is set).
    public var samplesPerFWHM = 5.0
    /// `weightType`.
    public var weighting = RMWeighting.variance
    /// `phiMax_radm2`: largest |phi| to sample; nil = max(sqrt(3)/max|d lambda^2|, 10 FWHM).
    public var phiMax: Double? = nil
    /// `dPhi_radm2`: Faraday-depth step; nil = FWHM / samplesPerFWHM.
    public var dPhi: Double? = nil
    /// RM-Tools carries on with a Stokes I model that is negative somewhere (and only flags
    /// it in IfitStat with +128). By default that spectrum is rejected with
    /// ``FaradayError/nonPositiveStokesIModel(frequency:value:)``; set this to get
    /// RM-Tools' behaviour.
    public var allowNonPositiveStokesIModel = false

    /// rmsynth1d's `-i`: Stokes I is neither fitted nor divided out, even when the spectrum
    /// has it; it is taken as 1 with no error (as a 5-column file), so the FDF is in Q and
    /// U's own units and the weights come from dQ and dU alone.
    public var ignoreStokesI = false

    public init() {}

    /// The pipeline's settings (same as `init()`).
    public static let pipeline = RMSynthesisSettings()

    func validate() throws(FaradayError) {
        guard (-5...5).contains(polyOrder) else { throw .invalidSetting("polynomial order \(polyOrder) is outside -5...5") }
        guard samplesPerFWHM.isFinite, samplesPerFWHM > 0 else { throw .invalidSetting("samples per FWHM must be positive, got \(samplesPerFWHM)") }
        if let phiMax, !(phiMax.isFinite && phiMax > 0) { throw .invalidSetting("phiMax must be positive, got \(phiMax)") }
        if let dPhi, !(dPhi.isFinite && dPhi > 0) { throw .invalidSetting("dPhi must be positive, got \(dPhi)") }
    }
}

/// RM-CLEAN settings, as RM-Tools' `run_rmclean`; the defaults are the pipeline's.
public struct RMCleanSettings: Sendable, Equatable {
    /// Stop when the residual peak falls below this: Jy/beam if positive, a multiple of
    /// dFDFth if negative (-8 = 8 sigma).
    public var cutoff = -8.0
    /// Loop gain.
    public var gain = 0.1
    /// Iteration limit.
    public var maxIterations = 10000
    /// Optional deeper cleaning, only within +/- FWHM/2 of the components found: the same
    /// convention as `cutoff` (negative = multiple of dFDFth). nil = off.
    public var window: Double? = nil

    public init() {}

    public static let pipeline = RMCleanSettings()

    func validate() throws(FaradayError) {
        guard cutoff.isFinite, cutoff != 0 else { throw .invalidSetting("CLEAN cutoff must be non-zero, got \(cutoff)") }
        guard gain.isFinite, gain > 0, gain <= 1 else { throw .invalidSetting("CLEAN gain must be in (0, 1], got \(gain)") }
        guard maxIterations >= 0 else { throw .invalidSetting("CLEAN iteration limit must be >= 0, got \(maxIterations)") }
        if let window, !window.isFinite { throw .invalidSetting("CLEAN window must be finite, got \(window)") }
    }
}
