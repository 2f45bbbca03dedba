/// `BandNoise` under the original's keys in an RM synthesis summary (`rmsynth_summary`).
extension BandNoise {
    /// The keys and values as the original adds them to RM-Tools' summary: `dI`, `dQ`, `dU`,
    /// `dIFullBand`, `dQFullBand`, `dUFullBand`, `bIFullBand`, `bQFullBand`, `bUFullBand`,
    /// and `N_channels_noise` (the channels averaged); with Stokes V also `VFullBand` (the
    /// band-averaged V), `dV`, `dVFullBand` and `N_channels_V`. No V key without a V spectrum.
    public var summaryFields: [(String, Double)] {
        var fields = [("dI", channelNoise.i), ("dQ", channelNoise.q), ("dU", channelNoise.u),
                      ("dIFullBand", fullBandNoise.i), ("dQFullBand", fullBandNoise.q), ("dUFullBand", fullBandNoise.u),
                      ("bIFullBand", background.i), ("bQFullBand", background.q), ("bUFullBand", background.u),
                      ("N_channels_noise", Double(channels))]
        if let v = circular {
            fields += [("VFullBand", v.mean), ("dV", v.channelNoise), ("dVFullBand", v.fullBandNoise),
                       ("N_channels_V", Double(v.channels))]
        }
        return fields
    }

    /// Reads the keys back from a summary; nil when it has no full-band noise (a summary
    /// made without it). Absent or null values are NaN.
    public init?(summary cells: [String: CatalogueCell]) {
        guard ["dIFullBand", "dQFullBand", "dUFullBand"].contains(where: { cells[$0]?.double != nil }) else { return nil }
        func value(_ key: String) -> Double { cells[key]?.double ?? .nan }
        let n = value("N_channels_noise")
        var circular: Circular?
        if cells["dVFullBand"]?.double != nil || cells["VFullBand"]?.double != nil {
            let nv = value("N_channels_V")
            circular = Circular(channels: nv.isFinite ? Int(nv) : 0, mean: value("VFullBand"),
                                channelNoise: value("dV"), fullBandNoise: value("dVFullBand"))
        }
        self.init(channels: n.isFinite ? Int(n) : 0,
                  channelNoise: Stokes(i: value("dI"), q: value("dQ"), u: value("dU")),
                  fullBandNoise: Stokes(i: value("dIFullBand"), q: value("dQFullBand"), u: value("dUFullBand")),
                  background: Stokes(i: value("bIFullBand"), q: value("bQFullBand"), u: value("bUFullBand")),
                  circular: circular)
    }
}
