/// Settings of 3-D RM synthesis, named after RM-Tools' `rmsynth3d` flags. The defaults are
/// rmsynth3d's command-line defaults (uniform weights, 5 samples per FWHM).
public struct FaradayCubeSettings: Sendable, Equatable {
    /// `-s`: Faraday-depth samples per RMSF FWHM (ignored when `dPhi` is set).
    public var samplesPerFWHM = 5.0
    /// `-l`: largest |phi| sampled; nil = max(sqrt(3)/max|d lambda^2|, 10 FWHM).
    public var phiMax: Double? = nil
    /// `-d`: Faraday-depth step; nil = FWHM / samplesPerFWHM.
    public var dPhi: Double? = nil
    /// `-w`: channel weights. Variance weights need `noise`.
    public var weighting = RMWeighting.uniform
    /// `-n`: per-channel noise (variance weights are 1/noise^2).
    public var noise: [Double]? = nil
    /// `-t`: the RMSF FWHM from a Gaussian fitted to each RMSF's main lobe (per pixel where
    /// pixels have their own RMSF) instead of the analytical 3.8 / (lambda^2 range).
    public var fitRMSF = false
    /// Upper bound on the memory held for pixel data at once (inputs, FDF, RMSF, CLEAN
    /// buffers); the cube is processed in slabs of rows that fit.
    public var maxMemoryBytes = 2 << 30
    /// Worker threads (0 = one per core).
    public var threads = 0
    /// How the matrix products are computed (bench/rmsynth3d.sh times both).
    public var engine = MatrixProductEngine.nufft

    public init() {}

    func validate(channels: Int) throws(FaradayCubeError) {
        guard samplesPerFWHM.isFinite, samplesPerFWHM > 0 else { throw .invalidSetting("samples per FWHM must be positive, got \(samplesPerFWHM)") }
        if let phiMax, !(phiMax.isFinite && phiMax > 0) { throw .invalidSetting("phiMax must be positive, got \(phiMax)") }
        if let dPhi, !(dPhi.isFinite && dPhi > 0) { throw .invalidSetting("dPhi must be positive, got \(dPhi)") }
        guard maxMemoryBytes > 0 else { throw .invalidSetting("the memory limit must be positive") }
        if weighting == .variance && noise == nil {
            throw .invalidSetting("variance weights need the per-channel noise (rmsynth3d -n)")
        }
    }
}

/// Settings of 3-D RM-CLEAN, as RM-Tools' `rmclean3d` flags and defaults.
public struct FaradayCubeCleanSettings: Sendable, Equatable {
    /// `-c`: stop when the residual peak falls below this, in the FDF's units. Pixels whose
    /// dirty FDF never reaches it are not cleaned.
    public var cutoff = 1.0
    /// `-g`: loop gain.
    public var gain = 0.1
    /// `-n`: iteration limit per pixel (the windowed CLEAN counts towards it).
    public var maxIterations = 1000
    /// `-w`: after the first CLEAN, carry on within +/- FWHM/2 of the components found
    /// down to this level (FDF units); NaN = no windowed CLEAN.
    public var window = Double.nan

    public init() {}

    /// rmclean3d's `-c`, `-g`, `-n` and `-w` (nil: no windowed CLEAN).
    public init(cutoff: Double, gain: Double, maxIterations: Int, window: Double?) {
        self.cutoff = cutoff; self.gain = gain; self.maxIterations = maxIterations; self.window = window ?? .nan
    }

    func validate() throws(FaradayCubeError) {
        guard cutoff.isFinite else { throw .invalidSetting("CLEAN cutoff must be finite, got \(cutoff)") }
        guard gain.isFinite, gain > 0, gain <= 1 else { throw .invalidSetting("CLEAN gain must be in (0, 1], got \(gain)") }
        guard maxIterations >= 0 else { throw .invalidSetting("CLEAN iteration limit must be >= 0, got \(maxIterations)") }
        guard !window.isInfinite else { throw .invalidSetting("CLEAN window must be finite or NaN, got \(window)") }
    }
}
