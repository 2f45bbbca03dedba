import Language
import Astro

/// RM synthesis and RM-CLEAN settings from a product's params (RM-Tools' names in the
/// comments); unset params keep the pipeline's defaults (`RMSynthRule.signature`).
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
        if values["phi_max"] != nil { s.phiMax = try double("phi_max", default: 0) }                    // phiMax_radm2
        if values["dphi"] != nil { s.dPhi = try double("dphi", default: 0) }                            // dPhi_radm2
        s.allowNonPositiveStokesIModel = try bool("allow_negative_model", default: s.allowNonPositiveStokesIModel)
        s.ignoreStokesI = try bool("ignore_stokes_i", default: s.ignoreStokesI)                          // noStokesI (-i)
        return s
    }

    func cleanSettings() throws -> RMCleanSettings {
        var c = RMCleanSettings.pipeline
        c.cutoff = try double("cutoff", default: c.cutoff)
        c.gain = try double("gain", default: c.gain)
        if values["max_iter"] != nil { c.maxIterations = try int("max_iter") }
        if values["window"] != nil { c.window = try double("window", default: 0) }
        return c
    }
}

/// RM synthesis settings as one line of `key=value` words, as the rmsynth manifest records
/// them for rmclean (which synthesises again with exactly these) and for the units' inputs.
enum SynthesisSettingsText {
    static func encode(_ s: RMSynthesisSettings) -> String {
        ["poly_order=\(s.polyOrder)", "fit_function=\(s.fitFunction.rawValue)", "samples=\(s.samplesPerFWHM)",
         "weight=\(s.weighting.rawValue)", "phi_max=\(s.phiMax.map { "\($0)" } ?? "auto")",
         "dphi=\(s.dPhi.map { "\($0)" } ?? "auto")", "allow_negative_model=\(s.allowNonPositiveStokesIModel)"]
            .joined(separator: " ") + (s.ignoreStokesI ? " ignore_stokes_i=true" : "")
    }

    static func decode(_ text: String) -> RMSynthesisSettings? {
        var s = RMSynthesisSettings.pipeline
        for word in text.split(separator: " ") {
            guard let eq = word.firstIndex(of: "=") else { return nil }
            let key = word[..<eq], value = String(word[word.index(after: eq)...])
            switch key {
            case "poly_order": guard let n = Int(value) else { return nil }; s.polyOrder = n
            case "fit_function": guard let f = StokesIFitFunction(rawValue: value) else { return nil }; s.fitFunction = f
            case "samples": guard let d = Double(value) else { return nil }; s.samplesPerFWHM = d
            case "weight": guard let w = RMWeighting(rawValue: value) else { return nil }; s.weighting = w
            case "phi_max": s.phiMax = value == "auto" ? nil : Double(value); if value != "auto", s.phiMax == nil { return nil }
            case "dphi": s.dPhi = value == "auto" ? nil : Double(value); if value != "auto", s.dPhi == nil { return nil }
            case "allow_negative_model": s.allowNonPositiveStokesIModel = value == "true"
            case "ignore_stokes_i": s.ignoreStokesI = value == "true"
            default: return nil
            }
        }
        return s
    }
}

extension RMCleanSettings {
    /// The settings as text, for the units' inputs digests.
    var text: String {
        "cutoff=\(cutoff) gain=\(gain) max_iter=\(maxIterations) window=\(window.map { "\($0)" } ?? "off")"
    }
}
