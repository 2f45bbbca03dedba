import Foundation
import Testing
@testable import Astro

/// The options the pipeline does not use, against RM-Tools 1.5.0 (extra test vectors).
@Suite("Faraday: RM-Tools options")
struct FaradayOptionTests {
    @Test("linear model, automatic order, uniform weights, flagged channels, CLEAN window",
          arguments: RMToolsExtraCase.all)
    func option(_ c: RMToolsExtraCase) throws {
        func synth(_ key: String) -> Double { c.rmsynth[key]?.number ?? .nan }
        func clean(_ key: String) -> Double { c.rmclean[key]?.number ?? .nan }
        let synthesiser = RMSynthesiser(settings: c.synthesis)
        let r = try synthesiser.synthesise(c.spectrum)
        #expect(r.stokesI.order == Int(synth("polyOrd")))
        #expect(sameFitStatus(r.stokesI.status, Int(synth("IfitStat"))))
        #expect(r.channelCount == Int(synth("N_channels")))
        #expect(relativeError(r.fwhmRMSF, synth("fwhmRMSF")) < 1e-6)
        #expect(relativeError(r.lambda0Squared, synth("lam0Sq_m2")) < 1e-6)
        #expect(relativeError(r.iFreq0, synth("Ifreq0")) < 1e-4)
        #expect(relativeError(r.dFDFth, synth("dFDFth")) < 1e-3)
        #expect(abs(r.peak.phi - synth("phiPeakPIfit_rm2")) <= 0.02 * synth("dPhiPeakPIfit_rm2"))
        #expect(relativeError(r.peak.amplitude, synth("ampPeakPIfit")) < 1e-3)
        #expect(relativeError(r.peak.noiseMAD, synth("dFDFcorMAD")) < 1e-3)
        #expect(angleDifference180(r.peak.angle0, synth("polAngle0Fit_deg")) < 0.1)
        #expect(relativeError(r.sigmaAddC.value, synth("sigmaAddC")) < 1e-2)
        let ours = r.stokesI.model.coefficients
        let theirs = (c.rmsynth["polyCoeffs"]?.text ?? "").split(separator: ",").compactMap { Double($0) }
        let errors = (c.rmsynth["polyCoefferr"]?.text ?? "").split(separator: ",").compactMap { Double($0) }
        #expect(theirs.count == 6)
        for k in 0..<min(6, theirs.count) where errors[k] > 0 {
            #expect(abs(ours[k] - theirs[k]) < 0.01 * errors[k], "coefficient \(k): \(ours[k]) vs \(theirs[k]) +/- \(errors[k])")
        }

        let k = try synthesiser.clean(c.clean)
        #expect(abs(k.iterations - Int(clean("nIter"))) <= 1)
        #expect(abs(k.peak.phi - clean("phiPeakPIfit_rm2")) <= 0.02 * clean("dPhiPeakPIfit_rm2"))
        #expect(relativeError(k.peak.amplitude, clean("ampPeakPIfit")) < 1e-3)
        #expect(relativeError(k.componentSecondMoment ?? .nan, clean("mom2CCFDF")) < 1e-3)
    }
}
