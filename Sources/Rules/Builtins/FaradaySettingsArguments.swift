import Astro

/// RM synthesis and RM-CLEAN settings from a product's params (RM-Tools' names in the
/// comments). Defaults are the pipeline's: poly_order 3, fit_function log, samples 5,
/// weight variance; cutoff -8 (x dFDFth), gain 0.1, max_iter 10000.
extension BuiltinArguments {
    func synthesisSettings() throws -> RMSynthesisSettings {
        var s = RMSynthesisSettings.pipeline
        if values["poly_order"] != nil { s.polyOrder = try int("poly_order") }                          // polyOrd
        if let f = values["fit_function"] {                                                              // fit_function
            guard let fn = StokesIFitFunction(rawValue: f) else {
                throw BuiltinRuleError.badArgument(kind: kind, name: "fit_function", value: f, expected: "log or linear")
            }
            s.fitFunction = fn
        }
        s.samplesPerFWHM = try double("samples", default: s.samplesPerFWHM)                               // nSamples
        if let w = values["weight"] {                                                                    // weightType
            guard let wt = RMWeighting(rawValue: w) else {
                throw BuiltinRuleError.badArgument(kind: kind, name: "weight", value: w, expected: "variance or uniform")
            }
            s.weighting = wt
        }
        return s
    }

    func cleanSettings() throws -> RMCleanSettings {
        var c = RMCleanSettings.pipeline
        c.cutoff = try double("cutoff", default: c.cutoff)
        c.gain = try double("gain", default: c.gain)
        if values["max_iter"] != nil { c.maxIterations = try int("max_iter") }
        return c
    }

    /// The settings as text, for the units' inputs digests.
    func faradaySettingsText() -> String {
        ["poly_order", "fit_function", "samples", "weight", "cutoff", "gain", "max_iter"]
            .map { "\($0)=\(values[$0] ?? "")" }.joined(separator: " ")
    }
}
