/// The plots of a validation report, by the names a `validation` product's outputs use.
public enum ValidationPlot: String, CaseIterable, Sendable {
    case noiseI = "noise_i"
    case noiseQU = "noise_qu"
    case noiseFDF = "noise_fdf"
    case leakageQ = "leakage_q"
    case leakageU = "leakage_u"
    case leakageRadial = "leakage_radial"
    case rmSky = "rm_sky"
    case rmHistogram = "rm_histogram"
    case rmTruth = "rm_truth"

    /// A caption for the report.
    public var caption: String {
        switch self {
        case .noiseI: return "Stokes I noise (the catalogue's rms, stokesI_err) over the sky"
        case .noiseQU: return "Stokes Q/U noise per channel (noise_chan) over the sky"
        case .noiseFDF: return "Faraday dispersion function noise (fdf_noise_mad) over the sky"
        case .leakageQ: return "Q/I (stokesQ / stokesI) over the sky: leakage shows as a pattern"
        case .leakageU: return "U/I (stokesU / stokesI) over the sky"
        case .leakageRadial: return "Q/I, U/I and the fitted leakage envelope against distance from the tile centre"
        case .rmSky: return "RM bubble plot: marker size ~ |RM|, red positive, blue negative, grey snr_polint < 8"
        case .rmHistogram: return "Distribution of RM (rows with an RM)"
        case .rmTruth: return "RM recovered against RM injected (truth.csv), 1-sigma error bars, 1:1 line; grey snr_polint < 8"
        }
    }
}
