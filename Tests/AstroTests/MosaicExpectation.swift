import Foundation
@testable import Astro

/// What an island's LINMOS mosaic should hold, worked out from the injected truth.
///
/// Beam b's cube holds I_b = A_b S g + n_b: the sky brightness S of each component (its
/// spectrum at the peak, `ComponentImage.stokes`) times its footprint g at the pixel, times
/// the primary beam A_b at the component's position (a point source is attenuated as a
/// whole), plus noise of variance sigma_b^2 = 1/w_b per channel. LINMOS writes
///
///     out = sum_b w_b P_b I_b / sum_b w_b P_b^2
///
/// with P_b the primary beam at the output pixel, so its expectation is
///
///     model = sum_b w_b P_b (sum_k A_bk S_k g_k) / sum_b w_b P_b^2
///
/// and, the n_b being independent, its variance is
///
///     sum_b w_b^2 P_b^2 sigma_b^2 / (sum_b w_b P_b^2)^2 = 1 / sum_b w_b P_b^2,
///
/// the inverse of the weight image. A single beam's primary-beam-corrected cutout I_b / P_b
/// has noise sigma_b / P_b = 1 / sqrt(w_b P_b^2), never below the mosaic's.
struct MosaicExpectation {
    struct Input {
        let beam: SurveyLayout.Beam
        /// The cutout's pixels on the mosaic grid.
        let box: CutoutBox
        let weights: ChannelWeights
        let image: String
    }

    let wcs: CelestialWCS
    let width: Int
    let height: Int
    let inputs: [Input]
    let frequencies: [Double]
    let parameters: SurveyParameters
    let cutoff: Double
    /// Components whose footprint may reach the mosaic, with their footprint on its grid.
    let components: [(truth: TruthComponent, image: ComponentImage)]
    let primaryBeam = GaussianPrimaryBeam()

    enum Unexpected: Error {
        /// The simulator's beams share one grid, so LINMOS should not have resampled.
        case resampled(String)
    }

    init(run: ImagingPipelineRun, island: ImagingPipelineRun.Island, stokes: String) throws {
        let summary = island.mosaics[stokes]!
        let header = try FITSFile.open(summary.image).readHeader()
        wcs = try CelestialWCS(header: header)
        width = summary.shape[0]
        height = summary.shape[1]
        guard let offsets = summary.offsets else {
            throw Unexpected.resampled(summary.image)
        }
        inputs = try zip(island.cutouts[stokes]!, offsets).map { cutout, offset in
            Input(beam: run.beam(cutout.beam),
                  box: CutoutBox(x: offset.x..<(offset.x + cutout.product.box.width),
                                 y: offset.y..<(offset.y + cutout.product.box.height)),
                  weights: try ChannelWeights.read(cutout.product.weights!), image: cutout.product.image)
        }
        frequencies = run.frequencies
        parameters = run.parameters
        cutoff = run.linmos.cutoff
        var near: [(TruthComponent, ComponentImage)] = []
        let (w, h) = (width, height)
        for c in run.simulator.sky.components {
            guard let (x, y) = wcs.pixel(ra: c.ra, dec: c.dec), x > -20, y > -20,
                  x < Double(w + 20), y < Double(h + 20),
                  let image = ComponentImage(component: c, x: x, y: y, parameters: run.parameters) else { continue }
            near.append((c, image))
        }
        components = near
    }

    /// The inputs covering mosaic pixel (x, y), with their primary beam there per channel
    /// (only beams at or above the cutoff count, as in LINMOS).
    func beams(x: Int, y: Int) -> [(input: Input, response: [Double])] {
        guard let sky = wcs.sky(x: Double(x), y: Double(y)) else { return [] }
        return inputs.filter { $0.box.x.contains(x) && $0.box.y.contains(y) }.map { input in
            let d = SkyMath.separation(input.beam.ra, input.beam.dec, sky.ra, sky.dec)
            return (input, frequencies.map { primaryBeam.response(distance: d, frequency: $0) })
        }
    }

    /// The noise-free mosaic value per channel at pixel (x, y) for "i", "q" or "u".
    func model(x: Int, y: Int, stokes: String) -> [Double] {
        let covering = beams(x: x, y: y)
        let reach = parameters.beamPitch * 1.5 + 4 * parameters.restoringBeam   // as the renderer draws
        let here = components.filter { $0.image.spatial(x: x, y: y) > 0 }
        // Per input: the components it drew, with their distance from its pointing.
        let drawn = covering.map { input, _ in
            here.compactMap { truth, image -> (TruthComponent, ComponentImage, Double)? in
                let d = SkyMath.separation(input.beam.ra, input.beam.dec, truth.ra, truth.dec)
                return d < reach ? (truth, image, d) : nil
            }
        }
        return frequencies.indices.map { c in
            var numerator = 0.0, denominator = 0.0
            for ((input, response), components) in zip(covering, drawn) where response[c] >= cutoff {
                let w = input.weights[c], p = response[c]
                var apparent = 0.0
                for (truth, image, d) in components {
                    let s = ComponentImage.stokes(truth, frequency: frequencies[c], peakPerFlux: image.peakPerFlux,
                                                  parameters: parameters)
                    let value = stokes == "i" ? s.i : stokes == "q" ? s.q : stokes == "u" ? s.u : s.v
                    apparent += primaryBeam.response(distance: d, frequency: frequencies[c]) * value
                        * Double(image.spatial(x: x, y: y))
                }
                numerator += w * p * apparent
                denominator += w * p * p
            }
            return denominator > 0 ? numerator / denominator : .nan
        }
    }

    /// sum_b w_b P_b^2 per channel at pixel (x, y): what the weight image should hold.
    func weight(x: Int, y: Int) -> [Double] {
        let covering = beams(x: x, y: y)
        return frequencies.indices.map { c in
            covering.filter { $0.response[c] >= cutoff }.map { $0.input.weights[c] * $0.response[c] * $0.response[c] }.reduce(0, +)
        }
    }

    /// True when no component's footprint reaches pixel (x, y): the mosaic holds noise only.
    func isEmpty(x: Int, y: Int) -> Bool {
        components.allSatisfy { $0.image.spatial(x: x, y: y) == 0 }
    }
}
