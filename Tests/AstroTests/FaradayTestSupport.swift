import Foundation
@testable import Astro

/// One test vector of shared/reference/rmtools-1.5.0-cases.json: a synthetic spectrum and
/// RM-Tools 1.5.0's own `rmsynth` and `rmclean` dictionaries for it.
struct RMToolsCase: Sendable, CustomStringConvertible {
    let index: Int
    let spectrum: Spectrum
    let truth: [String: Double]
    let rmsynth: [String: RMToolsValue]
    let rmclean: [String: RMToolsValue]
    var description: String { "case \(index)" }

    func synth(_ key: String) -> Double { rmsynth[key]?.number ?? .nan }
    func clean(_ key: String) -> Double { rmclean[key]?.number ?? .nan }
}

enum RMToolsValue: Sendable {
    case number(Double)
    case text(String)
    case null
    var number: Double? { if case .number(let v) = self { return v }; return nil }
    var text: String? { if case .text(let s) = self { return s }; return nil }
}

enum RMToolsCases {
    /// The settings the cases were made with.
    static let settings: [String: RMToolsValue] = loaded.settings

    static let all: [RMToolsCase] = loaded.cases

    private static let loaded = load()

    private static func load() -> (settings: [String: RMToolsValue], cases: [RMToolsCase]) {
        guard let url = Bundle.module.url(forResource: "rmtools-1.5.0-cases", withExtension: "json"),
              let data = try? Data(contentsOf: url) else {
            fatalError("Tests/AstroTests/Resources/rmtools-1.5.0-cases.json is missing from the test bundle")
        }
        // Python's json writes NaN, which is not JSON.
        let text = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "NaN", with: "null")
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let settings = root["settings"] as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else {
            fatalError("rmtools-1.5.0-cases.json is not in the expected layout")
        }
        func numbers(_ any: Any?) -> [Double] { (any as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
        func dictionary(_ any: Any?) -> [String: RMToolsValue] {
            var out: [String: RMToolsValue] = [:]
            for (k, v) in any as? [String: Any] ?? [:] {
                if let s = v as? String { out[k] = .text(s) } else if let n = v as? NSNumber { out[k] = .number(n.doubleValue) } else { out[k] = .null }
            }
            return out
        }
        let parsed = cases.enumerated().map { index, c in
            RMToolsCase(index: index,
                        spectrum: Spectrum(frequency: numbers(c["freq_hz"]), i: numbers(c["I"]), q: numbers(c["Q"]),
                                           u: numbers(c["U"]), di: numbers(c["dI"]), dq: numbers(c["dQ"]), du: numbers(c["dU"])),
                        truth: (c["truth"] as? [String: Any] ?? [:]).compactMapValues { ($0 as? NSNumber)?.doubleValue },
                        rmsynth: dictionary(c["rmsynth"]), rmclean: dictionary(c["rmclean"]))
        }
        return (dictionary(settings), parsed)
    }
}

/// Relative difference |a - b| / |b| (absolute if b == 0).
func relativeError(_ a: Double, _ b: Double) -> Double {
    b == 0 ? abs(a - b) : abs(a - b) / abs(b)
}

/// Difference of two angles in degrees modulo 180, in [0, 90].
func angleDifference180(_ a: Double, _ b: Double) -> Double {
    let d = abs(a - b).truncatingRemainder(dividingBy: 180)
    return min(d, 180 - d)
}

/// A deterministic normal random stream for injected-truth spectra (SplitMix64 + Box-Muller).
struct GaussianNoise {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return (Double(z >> 11) + 0.5) / 9_007_199_254_740_992.0
    }
    mutating func next() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// A Faraday-thin source: I = i0 (nu/nu0)^alpha, P = p I exp(2i(psi0 + rm lambda^2)), with
/// Gaussian noise of `sigma` in I, Q and U (none if the noise stream is nil).
func thinSourceSpectrum(frequencies: [Double], i0: Double, nu0: Double, alpha: Double, fracPol: Double,
                        rm: Double, psi0Degrees: Double, sigma: Double, noise: inout GaussianNoise?) -> Spectrum {
    var i: [Double] = [], q: [Double] = [], u: [Double] = []
    for f in frequencies {
        let stokesI = i0 * pow(f / nu0, alpha)
        let lambda2 = pow(RMSynthesiser.speedOfLight / f, 2)
        let angle = 2 * (psi0Degrees * Double.pi / 180 + rm * lambda2)
        var (ni, nq, nu) = (0.0, 0.0, 0.0)
        if noise != nil { ni = noise!.next() * sigma; nq = noise!.next() * sigma; nu = noise!.next() * sigma }
        i.append(stokesI + ni)
        q.append(fracPol * stokesI * cos(angle) + nq)
        u.append(fracPol * stokesI * sin(angle) + nu)
    }
    let s = [Double](repeating: sigma, count: frequencies.count)
    return Spectrum(frequency: frequencies, i: i, q: q, u: u, di: s, dq: s, du: s)
}

/// Spectra exercising options the pipeline does not use (linear model, automatic order,
/// uniform weights, flagged channels, CLEAN window), with RM-Tools 1.5.0's results
/// (Tests/AstroTests/Support/make_rmtools_extra_cases.py).
struct RMToolsExtraCase: Sendable, CustomStringConvertible {
    let name: String
    let spectrum: Spectrum
    let synthesis: RMSynthesisSettings
    let clean: RMCleanSettings
    let rmsynth: [String: RMToolsValue]
    let rmclean: [String: RMToolsValue]
    var description: String { name }

    static let all: [RMToolsExtraCase] = {
        guard let url = Bundle.module.url(forResource: "rmtools-1.5.0-extra-cases", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else {
            fatalError("Tests/AstroTests/Resources/rmtools-1.5.0-extra-cases.json is missing or malformed")
        }
        func numbers(_ any: Any?) -> [Double] { (any as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
        func dictionary(_ any: Any?) -> [String: RMToolsValue] {
            var out: [String: RMToolsValue] = [:]
            for (k, v) in any as? [String: Any] ?? [:] {
                if let s = v as? String { out[k] = .text(s) } else if let n = v as? NSNumber { out[k] = .number(n.doubleValue) } else { out[k] = .null }
            }
            return out
        }
        return cases.map { c in
            let st = c["settings"] as? [String: Any] ?? [:]
            var synthesis = RMSynthesisSettings()
            synthesis.polyOrder = (st["polyOrd"] as? NSNumber)?.intValue ?? 3
            synthesis.fitFunction = StokesIFitFunction(rawValue: st["fit_function"] as? String ?? "log") ?? .log
            synthesis.weighting = RMWeighting(rawValue: st["weightType"] as? String ?? "variance") ?? .variance
            var clean = RMCleanSettings()
            clean.window = (st["window"] as? NSNumber)?.doubleValue
            return RMToolsExtraCase(
                name: c["name"] as? String ?? "?",
                spectrum: Spectrum(frequency: numbers(c["freq_hz"]), i: numbers(c["I"]), q: numbers(c["Q"]),
                                   u: numbers(c["U"]), di: numbers(c["dI"]), dq: numbers(c["dQ"]), du: numbers(c["dU"])),
                synthesis: synthesis, clean: clean, rmsynth: dictionary(c["rmsynth"]), rmclean: dictionary(c["rmclean"]))
        }
    }()
}

/// IfitStat agreement: the same 64/128 flags and the same kind of exit. MINPACK's codes
/// 1, 2 and 3 all mean convergence (chi-square reduction, step size, or both below
/// tolerance); which one fires first depends on last-bit differences in the model
/// evaluation (numpy's vectorised pow/log10 vs libm), so they count as one.
func sameFitStatus(_ a: Int, _ b: Int) -> Bool {
    let flags = StokesIFit.lowSignalFlag | StokesIFit.negativeModelFlag
    guard a & flags == b & flags else { return false }
    let (x, y) = (a & ~flags, b & ~flags)
    return x == y || ((1...3).contains(x) && (1...3).contains(y))
}
