import Foundation
import Testing
@testable import Astro

/// Issue 5, acceptance 1: cutouts -> LINMOS -> spectrum extraction recovers what was injected.
@Suite struct ImagingSpectrumTruthTests {
    /// For every truth component, the extracted I, Q and U spectra (background-subtracted, at
    /// the mosaic pixel nearest the component) equal the injected model (`MosaicExpectation`)
    /// within 3 sigma, sigma being the extracted per-channel noise, in at least 95% of
    /// channels. Flagged channels count as misses.
    ///
    /// 144 channels, so that 95% is a statistical statement: with Gaussian noise 0.27% of
    /// channels fall outside 3 sigma, and 8 misses out of 144 would be a failure.
    ///
    /// The comparison has teeth: for the brighter components the same spectra miss most
    /// channels of the model without the primary-beam correction (as one beam sees the sky,
    /// P_b x model), which is what a mosaic that forgot to divide by P would hold.
    @Test func everyComponentsSpectraMatchTheInjectedModel() throws {
        let run = try ImagingPipelineRun {
            $0.sources = 30; $0.channels = 144; $0.channelWidth = 2e6; $0.beams = 4; $0.seed = 5
        }
        let channels = run.parameters.channels
        var checked = 0, bright = 0
        var worst = (fraction: 1.0, what: "")
        for island in run.islands {
            let expectations = try ["i", "q", "u"].map { try MosaicExpectation(run: run, island: island, stokes: $0) }
            for k in island.components {
                let truth = run.simulator.sky.components[k]
                let extracted = try run.extract(island, component: k)
                let spectrum = extracted.spectrum
                for (s, stokes) in ["i", "q", "u"].enumerated() {
                    let model = expectations[s].model(x: extracted.pixel.x, y: extracted.pixel.y, stokes: stokes)
                    let (values, noise) = [(spectrum.i, spectrum.di), (spectrum.q, spectrum.dq), (spectrum.u, spectrum.du)][s]
                    let matched = (0..<channels).filter { c in
                        values[c].isFinite && noise[c] > 0 && abs(values[c] - model[c]) <= 3 * noise[c]
                    }.count
                    let fraction = Double(matched) / Double(channels)
                    if fraction < worst.fraction {
                        worst = (fraction, "\(truth.gaussianID) \(stokes.uppercased())")
                    }
                    #expect(fraction >= 0.95,
                            "\(truth.gaussianID) \(stokes.uppercased()) (flux \(truth.flux) Jy, frac pol \(truth.fractionalPolarisation), RM \(truth.rm)): only \(matched) of \(channels) channels within 3 sigma of the model")
                }
                if truth.flux > 0.03 {
                    let beams = expectations[0].beams(x: extracted.pixel.x, y: extracted.pixel.y)
                    let model = expectations[0].model(x: extracted.pixel.x, y: extracted.pixel.y, stokes: "i")
                    let attenuated = model.indices.map { model[$0] * beams[0].response[$0] }
                    let matched = (0..<channels).filter { abs(spectrum.i[$0] - attenuated[$0]) <= 3 * spectrum.di[$0] }.count
                    #expect(matched < channels / 2, "\(truth.gaussianID): the uncorrected model matches \(matched) channels")
                    bright += 1
                }
                checked += 1
            }
        }
        #expect(checked == run.simulator.sky.components.count, "every truth component has spectra")
        #expect(checked >= 25)
        #expect(bright >= 2, "only \(bright) components brighter than 30 mJy")
        print("ImagingSpectrumTruthTests: \(checked) components; worst: \(worst.what), \(worst.fraction * 100)% of channels within 3 sigma")
    }
}
