import Foundation
import Testing
@testable import Astro

/// Issue 5, acceptance 2: a mosaic of several beams is quieter than any one of them, by
/// exactly what the LINMOS formula predicts (derivation in `MosaicExpectation`):
/// noise_mosaic = 1 / sqrt(sum_b w_b P_b^2), against sigma_b / P_b for beam b alone.
@Suite struct ImagingMosaicNoiseTests {
    /// Measured over the pixels of each island's mosaic that every one of its beams covers and
    /// no source reaches (noise only), all channels: the rms of the mosaic equals the
    /// prediction within 4%, each beam's primary-beam-corrected cutout (I_b / P_b) equals
    /// its own prediction within 4%, and the mosaic is quieter than every beam. The weight
    /// image holds sum_b w_b P_b^2. (About 20,000 samples per island and Stokes: the rms is
    /// known to 0.5%.)
    @Test func aMosaicOfSeveralBeamsIsQuieterThanEachAsLinmosPredicts() throws {
        let run = try ImagingPipelineRun { $0.sources = 10; $0.channels = 36; $0.beams = 4; $0.seed = 11 }
        let channels = run.parameters.channels
        var mosaicsChecked = 0
        for island in run.islands {
            for stokes in ["i", "q", "u"] {
                let expectation = try MosaicExpectation(run: run, island: island, stokes: stokes)
                guard expectation.inputs.count >= 2 else { continue }
                let summary = island.mosaics[stokes]!
                let mosaic = try FITSFile.open(summary.image).readImage(as: Float.self).values
                let weightImage = try FITSFile.open(summary.weightImage).readImage(as: Float.self).values
                let cutouts = try expectation.inputs.map { try FITSFile.open($0.image).readImage(as: Float.self).values }
                let (width, height) = (expectation.width, expectation.height)

                var mosaicSquares = 0.0, mosaicPredicted = 0.0, samples = 0
                var beamSquares = [Double](repeating: 0, count: cutouts.count)
                var beamPredicted = beamSquares
                var worstWeight = 0.0
                for y in 0..<height {
                    for x in 0..<width where expectation.isEmpty(x: x, y: y) {
                        let beams = expectation.beams(x: x, y: y)
                        guard beams.count == expectation.inputs.count else { continue }
                        let weight = expectation.weight(x: x, y: y)
                        for c in 0..<channels {
                            let value = Double(mosaic[(c * height + y) * width + x])
                            mosaicSquares += value * value
                            mosaicPredicted += 1 / weight[c]
                            let written = Double(weightImage[(c * height + y) * width + x])
                            worstWeight = max(worstWeight, abs(written - weight[c]) / weight[c])
                            for (b, (input, response)) in beams.enumerated() {
                                let (bx, by, bw) = (x - input.box.x.lowerBound, y - input.box.y.lowerBound, input.box.width)
                                let corrected = Double(cutouts[b][(c * input.box.height + by) * bw + bx]) / response[c]
                                beamSquares[b] += corrected * corrected
                                beamPredicted[b] += 1 / (input.weights[c] * response[c] * response[c])
                            }
                            samples += 1
                        }
                    }
                }
                guard samples >= 5_000 else { continue }
                let what = "\(island.sourceID) \(stokes.uppercased()) (\(cutouts.count) beams, \(samples) samples)"
                let measured = (mosaicSquares / Double(samples)).squareRoot()
                let predicted = (mosaicPredicted / Double(samples)).squareRoot()
                #expect(abs(measured / predicted - 1) < 0.04, "\(what): mosaic rms \(measured), LINMOS predicts \(predicted)")
                #expect(worstWeight < 1e-4, "\(what): the weight image is off sum w P^2 by up to \(worstWeight * 100)%")
                for b in cutouts.indices {
                    let beamMeasured = (beamSquares[b] / Double(samples)).squareRoot()
                    let beamExpected = (beamPredicted[b] / Double(samples)).squareRoot()
                    let beam = expectation.inputs[b].beam.number
                    #expect(abs(beamMeasured / beamExpected - 1) < 0.04,
                            "\(what): beam \(beam) alone rms \(beamMeasured), sigma_b / P_b predicts \(beamExpected)")
                    #expect(measured < beamMeasured, "\(what): mosaic rms \(measured) is not below beam \(beam)'s \(beamMeasured)")
                }
                mosaicsChecked += 1
            }
        }
        #expect(mosaicsChecked >= 6, "only \(mosaicsChecked) island mosaics with several beams and enough empty pixels")
    }
}
