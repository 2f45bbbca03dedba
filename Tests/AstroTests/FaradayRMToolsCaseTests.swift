import Foundation
import Testing
@testable import Astro

/// Every test vector of rmtools-1.5.0-cases.json against RM-Tools 1.5.0's own numbers.
@Suite("Faraday: RM-Tools 1.5.0 test vectors")
struct FaradayRMToolsCaseTests {
    static let cleanSettings: RMCleanSettings = {
        var s = RMCleanSettings()
        s.cutoff = RMToolsCases.settings["clean_cutoff"]?.number ?? -8
        s.gain = RMToolsCases.settings["gain"]?.number ?? 0.1
        s.maxIterations = Int(RMToolsCases.settings["maxIter"]?.number ?? 10000)
        return s
    }()

    static let synthesisSettings: RMSynthesisSettings = {
        var s = RMSynthesisSettings()
        s.polyOrder = Int(RMToolsCases.settings["polyOrd"]?.number ?? 3)
        s.fitFunction = StokesIFitFunction(rawValue: RMToolsCases.settings["fit_function"]?.text ?? "log") ?? .log
        s.samplesPerFWHM = RMToolsCases.settings["nSamples"]?.number ?? 5
        s.weighting = RMWeighting(rawValue: RMToolsCases.settings["weightType"]?.text ?? "variance") ?? .variance
        return s
    }()

    @Test("the cases use the pipeline's settings")
    func settings() {
        #expect(RMToolsCases.all.count == 40)
        #expect(Self.synthesisSettings == RMSynthesisSettings.pipeline)
        #expect(Self.cleanSettings == RMCleanSettings.pipeline)
        #expect(RMToolsCases.settings["nBits"]?.number == 32)
    }

    @Test("rmsynth and rmclean agree with RM-Tools", arguments: RMToolsCases.all)
    func agreement(_ c: RMToolsCase) throws {
        let synthesiser = RMSynthesiser(settings: Self.synthesisSettings)
        let r = try synthesiser.synthesise(c.spectrum)

        // Sampling: exact formulas.
        #expect(relativeError(r.fwhmRMSF, c.synth("fwhmRMSF")) < 1e-6)
        #expect(relativeError(r.lambda0Squared, c.synth("lam0Sq_m2")) < 1e-6)
        #expect(relativeError(r.axis.step, c.synth("fwhmRMSF") / 5) < 1e-6)
        // RM-Tools' axis length, from where its peak index and Faraday depth put phi = 0.
        let centre = c.synth("indxPeakPIfit") - c.synth("phiPeakPIfit_rm2") / (c.synth("fwhmRMSF") / 5)
        #expect(abs(Double(r.axis.centre) - centre) < 1e-3)
        #expect(r.axis.count == 2 * Int(centre.rounded()) + 1)

        // Peak.
        let p = r.peak
        #expect(abs(p.phi - c.synth("phiPeakPIfit_rm2")) <= 0.02 * c.synth("dPhiPeakPIfit_rm2"))
        #expect(relativeError(p.amplitude, c.synth("ampPeakPIfit")) < 1e-3)
        #expect(relativeError(p.snr, c.synth("snrPIfit")) < 1e-3)
        #expect(relativeError(r.dFDFth, c.synth("dFDFth")) < 1e-3)
        #expect(angleDifference180(p.angle0, c.synth("polAngle0Fit_deg")) < 0.1)
        #expect(angleDifference180(p.angle, c.synth("polAngleFit_deg")) < 0.1)

        // Stokes I and derived quantities.
        #expect(relativeError(r.iFreq0, c.synth("Ifreq0")) < 1e-4)
        #expect(relativeError(r.fractionalPolarisation, c.synth("fracPol")) < 1e-3)
        #expect(relativeError(p.noiseMAD, c.synth("dFDFcorMAD")) < 1e-3)
        #expect(sameFitStatus(r.stokesI.status, Int(c.synth("IfitStat"))))
        #expect(r.stokesI.order == Int(c.synth("polyOrd")))
        #expect(relativeError(r.stokesI.reducedChiSquare, c.synth("IfitChiSqRed")) < 1e-4)
        #expect(r.channelCount == Int(c.synth("N_channels")))
        #expect(r.minFrequency == c.synth("min_freq") && r.maxFrequency == c.synth("max_freq"))
        #expect(r.medianChannelWidth == c.synth("median_channel_width"))
        #expect(relativeError(r.dQU, c.synth("dQU")) < 1e-12)

        // CLEAN.
        let k = try synthesiser.clean(Self.cleanSettings)
        #expect(abs(k.iterations - Int(c.clean("nIter"))) <= 1)
        #expect(relativeError(k.cutoff, c.clean("cleanCutoff")) < 1e-3)
        #expect(abs(k.peak.phi - c.clean("phiPeakPIfit_rm2")) <= 0.02 * c.clean("dPhiPeakPIfit_rm2"))
        #expect(relativeError(k.peak.amplitude, c.clean("ampPeakPIfit")) < 1e-3)
        #expect(relativeError(k.peak.snr, c.clean("snrPIfit")) < 1e-3)
        #expect(angleDifference180(k.peak.angle0, c.clean("polAngle0Fit_deg")) < 0.1)
        if let m = c.rmclean["mom2CCFDF"]?.number {
            #expect(relativeError(k.componentSecondMoment ?? .nan, m) < 1e-3)
        } else {
            #expect(k.componentSecondMoment == nil)
        }
    }

    /// Prints the largest relative difference per key over all cases (the report's table).
    @Test("agreement table")
    func table() throws {
        var worst: [String: (Double, Int)] = [:]
        func note(_ key: String, _ value: Double, _ index: Int) {
            if value > (worst[key]?.0 ?? -1) || value.isNaN { worst[key] = (value, index) }
        }
        for c in RMToolsCases.all {
            let synthesiser = RMSynthesiser(settings: Self.synthesisSettings)
            let r = try synthesiser.synthesise(c.spectrum)
            for (key, value) in r.fields {
                switch value {
                case .number(let v):
                    if let ref = c.rmsynth[key]?.number {
                        note("rmsynth." + key, key.contains("Angle") && !key.hasPrefix("d") ? angleDifference180(v, ref) : relativeError(v, ref), c.index)
                    }
                case .integer(let i):
                    if let ref = c.rmsynth[key]?.number { note("rmsynth." + key, abs(Double(i) - ref), c.index) }
                case .text(let s):
                    if key.hasPrefix("poly"), let ref = c.rmsynth[key]?.text {
                        let mine = s.split(separator: ",").compactMap { Double($0) }
                        let theirs = ref.split(separator: ",").compactMap { Double($0) }
                        let errors = (c.rmsynth["polyCoefferr"]?.text ?? "").split(separator: ",").compactMap { Double($0) }
                        for (i, (a, b)) in zip(mine, theirs).enumerated() {
                            note("rmsynth.\(key)[\(i)]", relativeError(a, b), c.index)
                            if key == "polyCoeffs", i < errors.count, errors[i] > 0 {
                                note("rmsynth.polyCoeffs[\(i)] (in polyCoefferr)", abs(a - b) / errors[i], c.index)
                            }
                        }
                    }
                default: break
                }
            }
            let k = try synthesiser.clean(Self.cleanSettings)
            for (key, value) in k.fields {
                if case .number(let v) = value, let ref = c.rmclean[key]?.number {
                    note("rmclean." + key, key.contains("Angle") && !key.hasPrefix("d") ? angleDifference180(v, ref) : relativeError(v, ref), c.index)
                }
                if case .integer(let i) = value, let ref = c.rmclean[key]?.number {
                    note("rmclean." + key, abs(Double(i) - ref), c.index)
                }
            }
        }
        var lines = ["largest difference over \(RMToolsCases.all.count) cases (relative; angles in degrees; integers absolute):"]
        for key in worst.keys.sorted() {
            let (v, i) = worst[key]!
            lines.append("  \(key.padding(toLength: 46, withPad: " ", startingAt: 0)) \(String(format: "%.3e", v))  (case \(i))")
        }
        print(lines.joined(separator: "\n"))
    }
}
