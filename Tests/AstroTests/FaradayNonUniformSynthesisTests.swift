import Foundation
import Testing
@testable import Astro

/// The non-uniform FFT that computes the dirty FDF of 3-D RM synthesis, against the sum it
/// replaces evaluated directly in double precision.
@Suite struct FaradayNonUniformSynthesisTests {
    /// lambda^2 - lambda0^2 for `channels` channels evenly spread over a band, lambda0^2 the
    /// weighted mean (as RM-Tools).
    static func offsets(from low: Double, to high: Double, channels: Int, weights: [Double]) -> [Double] {
        let c = 299_792_458.0
        let l2 = (0..<channels).map { j -> Double in
            let f = low + (high - low) * Double(j) / Double(channels - 1)
            return (c / f) * (c / f)
        }
        let lam0 = zip(l2, weights).reduce(0) { $0 + $1.0 * $1.1 } / weights.reduce(0, +)
        return l2.map { $0 - lam0 }
    }

    /// Largest |nufft - direct| over every sample and pixel, relative to each pixel's
    /// sum of |w_j P_j| (the bound a type-1 NUFFT's error scales with).
    static func worstError(offsets a: [Double], weights: [Double], step: Double, modes: Int, pixels: Int, seed: UInt64) throws -> Double {
        let n = a.count
        var random = RandomStream(seed: seed)
        let q = (0..<(n * pixels)).map { _ in Float(2 * random.uniform() - 1) }
        let u = (0..<(n * pixels)).map { _ in Float(2 * random.uniform() - 1) }
        let transform = try #require(FaradayNonUniformSynthesis(lambdaSquaredOffsets: a, weights: weights, step: step, modes: modes))
        var re = [Float](repeating: .nan, count: modes * pixels), im = re
        q.withUnsafeBufferPointer { qp in u.withUnsafeBufferPointer { up in
        re.withUnsafeMutableBufferPointer { rp in im.withUnsafeMutableBufferPointer { ip in
            transform.synthesise(q: qp.baseAddress!, u: up.baseAddress!, ldb: pixels,
                                 c: (rp.baseAddress!, ip.baseAddress!), ldc: pixels, count: pixels, threads: 2)
        }}}}
        var worst = 0.0
        let centre = modes / 2
        for p in 0..<pixels {
            var scale = 0.0
            for j in 0..<n { scale += weights[j] * hypot(Double(q[j * pixels + p]), Double(u[j * pixels + p])) }
            for k in 0..<modes {
                let phi = step * Double(k - centre)
                var sr = 0.0, si = 0.0
                for j in 0..<n {
                    let theta = -2 * phi * a[j], x = Double(q[j * pixels + p]), y = Double(u[j * pixels + p])
                    sr += weights[j] * (x * cos(theta) - y * sin(theta))
                    si += weights[j] * (x * sin(theta) + y * cos(theta))
                }
                let error = hypot(Double(re[k * pixels + p]) - sr, Double(im[k * pixels + p]) - si) / scale
                worst = max(worst, error.isNaN ? .infinity : error)
            }
        }
        return worst
    }

    @Test func agreesWithTheDirectSumAtRMSynth3DDefaults() throws {
        // 288 x 1 MHz channels at 800-1088 MHz, 5 samples per FWHM: 837 Faraday depths
        // (bench/rmsynth3d.sh's cube); 37 pixels, so that batches end part-full.
        let w = [Double](repeating: 1, count: 288)
        let a = Self.offsets(from: 800e6, to: 1088e6, channels: 288, weights: w)
        let fwhm = 3.8 / (a.max()! - a.min()!)
        let error = try Self.worstError(offsets: a, weights: w, step: fwhm / 5, modes: 837, pixels: 37, seed: 1)
        #expect(error < 2e-6, "worst error \(error) of the sum of |w P|")
    }

    @Test func agreesWithUnevenWeightsFlaggedChannelsAndAShortAxis() throws {
        // RM-Tools' QA settings (phiMax 300, dPhi 10: 61 depths), variance-like weights,
        // every seventh channel flagged (weight 0), a band with ASKAP's 1.1-1.4 GHz.
        let w = (0..<144).map { $0 % 7 == 3 ? 0 : 1 / pow(0.5 + Double($0) / 144, 2) }
        let a = Self.offsets(from: 1.1e9, to: 1.4e9, channels: 144, weights: w)
        let error = try Self.worstError(offsets: a, weights: w, step: 10, modes: 61, pixels: 21, seed: 2)
        #expect(error < 2e-6, "worst error \(error) of the sum of |w P|")
    }

    @Test func declinesAStepTooCoarseForItsGrid() {
        // 2 dPhi (max a - min a) beyond 2 pi: the samples would wrap round the grid.
        let w = [Double](repeating: 1, count: 16)
        let a = Self.offsets(from: 800e6, to: 1088e6, channels: 16, weights: w)
        let span = a.max()! - a.min()!
        #expect(FaradayNonUniformSynthesis(lambdaSquaredOffsets: a, weights: w, step: 4 / span, modes: 11) == nil)
        #expect(FaradayNonUniformSynthesis(lambdaSquaredOffsets: a, weights: w, step: 2 / span, modes: 11) != nil)
    }

    @Test func gaussLegendreIsExactForPolynomialsOfDegreeUpTo2nMinus1() {
        let (x, w) = GaussLegendre.rule(points: 12)
        for degree in [0, 1, 2, 10, 22, 23] {
            let sum = zip(x, w).reduce(0.0) { $0 + $1.1 * pow($1.0, Double(degree)) }
            let exact = degree % 2 == 1 ? 0 : 2 / Double(degree + 1)
            #expect(abs(sum - exact) < 1e-13, "degree \(degree): \(sum) vs \(exact)")
        }
    }

    @Test func kernelTransformAtZeroIsTheKernelsIntegral() {
        let kernel = ExponentialSemicircleKernel(width: 8)
        // Trapezoid rule with many points as the reference.
        let n = 200_000
        var integral = 0.0
        for i in 0...n {
            let z = -1 + 2 * Double(i) / Double(n)
            integral += kernel.value(z) * (i == 0 || i == n ? 0.5 : 1)
        }
        integral *= 2 / Double(n)
        let transform = kernel.fourierTransform(at: [0])[0]
        #expect(abs(transform - integral) < 1e-6 * integral)
    }
}
