/// The plots of a validation report, by the names a `validation` product's outputs use.
public enum ValidationPlot: String, CaseIterable, Sendable {
    case noiseI = "noise_i"
    case noiseQ = "noise_q"
    case noiseU = "noise_u"
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
        case .noiseI: return "Stokes I noise (stokesI_err, the band-averaged annulus noise) over the sky"
        case .noiseQ: return "Stokes Q noise (stokesQ_err, the band-averaged annulus noise) over the sky"
        case .noiseU: return "Stokes U noise (stokesU_err, the band-averaged annulus noise) over the sky"
        case .noiseFDF: return "Faraday dispersion function noise (fdf_noise_mad) over the sky"
        case .leakageQ: return "Q/I (stokesQ / stokesI) of sources with I/dI > 50, median per cell of an 11 x 11 grid (3-sigma clipped): leakage shows as a pattern"
        case .leakageU: return "U/I (stokesU / stokesI) of sources with I/dI > 50, binned like Q/I"
        case .leakageRadial: return "Q/I and U/I (I/dI > 50) and the fitted leakage envelope against distance from the tile centre"
        case .rmSky: return "RM bubble plot of the RMs with no snr, leakage, channel, Stokes I fit or local RM flag: ring area ~ |RM|, red positive, blue negative"
        case .rmHistogram: return "Distribution of RM (rows with an RM)"
        case .rmTruth: return "RM recovered against RM injected (truth.csv), 1-sigma error bars, 1:1 line; grey snr_polint < 8"
        }
    }
}
