/// The catalogue's constants and the thresholds of its flags. Defaults are the original's.
public struct CatalogueOptions: Sendable, Equatable {
    /// `catalog_name` of every row.
    public var catalogName = "Arrakis"
    /// `rm_method`, `telescope`, `pol_bias`, `ionosphere`, `flux_type`: RMTable standard strings.
    public var rmMethod = "RM Synthesis - Fractional polarization"
    public var telescope = "ASKAP"
    public var polarisationBias = "2012PASA...29..214G"
    /// "None": no ionospheric Faraday rotation correction is applied to the spectra (RMTable's
    /// term); it may say "FRion" only for rows whose spectra a correction actually changed.
    public var ionosphere = "None"
    public var fluxType = "Peak"
    /// `complex_test`: both tests are used; each is an RMTable v1.3 term, comma-separated as the
    /// standard separates telescopes (rmtable's check mentions the comma form but does not
    /// count it as a problem).
    public var complexityTest = "Sigma_add,Second moment"
    /// `aperture` (deg): 0 for single-pixel spectra.
    public var aperture = 0.0
    /// `snr_flag`: snr_polint below this.
    public var snrThreshold = 8.0
    /// `channel_flag`: Nchan below Int(this x max Nchan of the field).
    public var channelFraction = 0.5
    /// `complex_sigma_add_flag`: sigma_add above this many times its error.
    public var sigmaAddSignificance = 10.0
    /// The leakage envelope (`leakage`, `leakage_flag`).
    public var leakage = LeakageSettings()
    /// `local_rm_flag`.
    public var localRM = LocalRMSettings()

    public init() {}
}

/// How the leakage envelope is fitted: median fractional polarisation of bright sources
/// in bins of separation from the tile centre, plus an offset, fitted by a polynomial.
public struct LeakageSettings: Sendable, Equatable {
    /// Bins along the separation axis.
    public var bins = 16
    /// Polynomial degree.
    public var degree = 4
    /// Added to the binned medians.
    public var offset = 0.002
    /// Only sources with stokesI / stokesI_err above this take part.
    public var minimumStokesISNR = 30.0
    /// Fewer bright sources than this: no envelope (see `LeakageEnvelope`).
    public var minimumSources = 100

    public init() {}
}

/// How `local_rm_flag` compares an RM with its neighbours'.
public struct LocalRMSettings: Sendable, Equatable {
    /// Neighbours compared with: min(`maximumNeighbours`, good sources / `neighbourhoods`).
    public var maximumNeighbours = 30
    /// The original asks for at least 6 Voronoi bins; the neighbourhood is at most 1/6 of the field.
    public var neighbourhoods = 6
    /// Fewer neighbours than this: the flag is not evaluated (false everywhere).
    public var minimumNeighbours = 5
    /// Flag when |RM - clipped median of neighbours| > `sigma` x their clipped std.
    public var sigma = 3.0
    /// snr_polint a source needs to take part (besides passing the I, channel, leakage and snr flags).
    public var minimumSNR = 5.0

    public init() {}
}
