/// What `arrakis simulate` makes. The defaults give a survey the whole pipeline
/// processes in well under a minute on two cores.
public struct SurveyParameters: Sendable, Equatable, Codable {
    public var seed: UInt64 = 1
    public var fields = 2
    public var epochs = 2
    public var beams = 4
    public var channels = 36
    public var sources = 30
    public var npix = 64
    /// Where the fields lie: a strip along RA (default), or tiling the whole sky.
    public var footprint: Footprint = .strip

    public enum Footprint: String, Sendable, Codable, CaseIterable {
        case strip, sky
    }

    /// First channel and channel width (Hz): 36 x 8 MHz from 747.5 MHz span RACS-low's band.
    public var firstFrequency = 747.5e6
    public var channelWidth = 8e6
    /// Reference frequency of the truth table's fluxes (Hz).
    public var referenceFrequency = 887.5e6
    /// Distance between neighbouring beam centres (deg); each beam image spans twice this,
    /// so neighbouring beams (and the edge beams of neighbouring fields) overlap.
    public var beamPitch = 1.0
    /// Declination of the strip of fields (deg).
    public var declination = -31.0
    /// RA of the first field (deg).
    public var firstRA = 187.5
    /// Restoring beam FWHM in pixels (the cubes are "convolved" to a common circular beam).
    public var beamPixels = 3.0
    /// Per-channel noise in Stokes I, Q and U (Jy/beam), before per-channel scatter: each
    /// channel's sigma is this times 1 to 1.5 (`--channel-noise`).
    public var channelNoise = 1.0e-3
    /// Component fluxes (total Stokes I at `referenceFrequency`, Jy) follow the source counts
    /// N(>S) ~ S^-fluxCountSlope from `minimumFlux`, capped at `maximumFlux` (`--min-flux`,
    /// `--max-flux`, `--flux-slope`).
    public var minimumFlux = 0.005
    public var maximumFlux = 2.0
    public var fluxCountSlope = 1.5
    /// `--ionosphere`: scans at transit, synthetic IONEX maps, and the ionosphere's Faraday
    /// rotation in the cubes (`SurveyIonosphere`). Nil (off) is left out of survey.json.
    public var ionosphere: Bool?

    /// `--stokes-v`: write Stokes V cubes too (noise, plus `circularFraction` x I). Nil (off)
    /// is left out of survey.json, so a survey without V is described as before.
    public var stokesV: Bool?
    /// `--circular-fraction F`: each component's V = fraction x I, its fraction drawn
    /// uniformly from -F..F (truth.csv's `frac_v`); nil injects no V (noise only).
    public var circularFraction: Double?

    public var hasIonosphere: Bool { ionosphere == true }

    /// Whether the survey has Stokes V cubes.
    public var hasStokesV: Bool { stokesV == true || circularFraction != nil }

    public init() {}

    /// Side of the square grid of beams in a field.
    public var beamGridSide: Int {
        var side = 1
        while side * side < beams { side += 1 }
        return side
    }

    /// Pixel size (deg): a beam image spans two beam pitches.
    public var pixelScale: Double { 2 * beamPitch / Double(npix) }

    /// Restoring beam FWHM (deg).
    public var restoringBeam: Double { beamPixels * pixelScale }

    public func validate() throws {
        func check(_ ok: Bool, _ message: String) throws {
            if !ok { throw SimulationError.badParameter(message) }
        }
        if footprint == .sky {
            try check(fields >= 10 && fields <= 100_000, "--fields must be 10...100000 with --footprint sky (got \(fields))")
        } else {
            try check(fields >= 1 && fields <= 1000, "--fields must be 1...1000 (got \(fields))")
        }
        try check(epochs >= 1 && epochs <= 20, "--epochs must be 1...20 (got \(epochs))")
        try check(beams >= 1 && beams <= 36, "--beams must be 1...36, as ASKAP has 36 beams (got \(beams))")
        try check(channels >= 2 && channels <= 4096, "--channels must be 2...4096 (got \(channels))")
        try check(sources >= 0 && sources <= 10_000_000, "--sources must be 0...10000000 (got \(sources))")
        try check(npix >= 16 && npix <= 8192, "--npix must be 16...8192 (got \(npix))")
        if let f = circularFraction {
            try check(f.isFinite && f >= 0 && f <= 1, "--circular-fraction must be 0...1 (got \(f))")
        }
        try check(channelNoise.isFinite && channelNoise > 0, "--channel-noise must be > 0 (got \(channelNoise))")
        try check(minimumFlux.isFinite && minimumFlux > 0, "--min-flux must be > 0 (got \(minimumFlux))")
        try check(maximumFlux.isFinite && maximumFlux >= minimumFlux,
                  "--max-flux must be at least --min-flux (\(minimumFlux)) (got \(maximumFlux))")
        try check(fluxCountSlope.isFinite && fluxCountSlope > 0, "--flux-slope must be > 0 (got \(fluxCountSlope))")
    }
}

public enum SimulationError: Error, Equatable, CustomStringConvertible {
    case badParameter(String)
    case destinationExists(String)
    case io(String)

    public var description: String {
        switch self {
        case .badParameter(let m): return m
        case .destinationExists(let p): return "\(p) already exists and is not empty; choose a new directory or pass --force to replace it"
        case .io(let m): return m
        }
    }
}
