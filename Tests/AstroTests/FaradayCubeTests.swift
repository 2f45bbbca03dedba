import Foundation
import Testing
@testable import Astro

/// The 3-D RM synthesis kernels against the 1-D code and against each other.
@Suite("Faraday: 3-D kernels")
struct FaradayCubeTests {
    /// 12 pixels x 36 channels of Faraday-thin sources with different RMs and a little
    /// deterministic "noise"; pixel 5 has two channels flagged in Q, pixel 7 one in U.
    static func slabData(channels n: Int, pixels np: Int) -> (freq: [Double], q: [Float], u: [Float]) {
        let freq = (0..<n).map { 747.5e6 + 8e6 * Double($0) }
        var q = [Float](repeating: 0, count: n * np), u = q
        for j in 0..<n {
            let l2 = pow(299_792_458.0 / freq[j], 2)
            for p in 0..<np {
                let rm = -60 + 11 * Double(p), chi = 2 * (0.3 + rm * l2)
                q[j * np + p] = Float(0.2 * cos(chi) + 0.01 * sin(Double(7 * j + 3 * p)))
                u[j * np + p] = Float(0.2 * sin(chi) + 0.01 * cos(Double(5 * j + p)))
            }
        }
        q[3 * np + 5] = .nan; q[20 * np + 5] = .nan; u[9 * np + 7] = .nan
        return (freq, q, u)
    }

    /// The channels of `frequencies` with no plane flagged.
    static func unflaggedChannels(_ frequencies: [Double], _ settings: FaradayCubeSettings) throws -> FaradayCubeChannels {
        let none = [Bool](repeating: false, count: frequencies.count)
        return try FaradayCubeChannels(frequencies: frequencies, settings: settings, flaggedPlanes: none,
                                       flaggedQPlanes: none, frequencySource: "test")
    }

    @Test("Each pixel's FDF is the 1-D synthesiser's (uniform weights, Stokes I ignored)")
    func pixelsMatchOneDimensional() throws {
        let n = 36, np = 12
        let (freq, q, u) = Self.slabData(channels: n, pixels: np)
        var settings = FaradayCubeSettings()
        settings.phiMax = 400
        let channels = try Self.unflaggedChannels(freq, settings)
        var slab = FaradayCubeSlab(q: q, u: u, i: nil, pixels: np, channels: channels)
        slab.synthesise(channels, matrix: FaradaySynthesisMatrix(channels), threads: 2)
        #expect(slab.ownRMSFPixels == [5])
        var oneD = RMSynthesisSettings()
        oneD.weighting = .uniform
        oneD.ignoreStokesI = true
        oneD.phiMax = 400
        oneD.samplesPerFWHM = 5
        let synthesiser = RMSynthesiser(settings: oneD)
        let nPhi = channels.axis.count
        for p in 0..<np {
            let spectrum = Spectrum(frequency: freq, i: [Double](repeating: 1, count: n),
                                    q: (0..<n).map { Double(q[$0 * np + p]) }, u: (0..<n).map { Double(u[$0 * np + p]) },
                                    di: [Double](repeating: 0, count: n), dq: [Double](repeating: 0.01, count: n),
                                    du: [Double](repeating: 0.01, count: n))
            _ = try synthesiser.synthesise(spectrum)
            let products = try #require(synthesiser.synthesisProducts)
            #expect(products.fdfReal.count == nPhi)
            var worst = 0.0, peak = 0.0
            for k in 0..<nPhi {
                peak = max(peak, hypot(products.fdfReal[k], products.fdfImag[k]))
                worst = max(worst, abs(Double(slab.fdfReal[k * np + p]) - products.fdfReal[k]),
                            abs(Double(slab.fdfImag[k * np + p]) - products.fdfImag[k]))
            }
            // The 1-D code uses one lambda0^2 per spectrum (its own good channels), the cube one
            // for all pixels: equal here except for pixels 5 and 7, whose flags shift the 1-D
            // lambda0^2 and so rotate the FDF's phase; compare moduli there.
            if p == 5 || p == 7 {
                worst = 0
                for k in 0..<nPhi {
                    let a = Double(complex32Modulus(slab.fdfReal[k * np + p], slab.fdfImag[k * np + p]))
                    worst = max(worst, abs(a - hypot(products.fdfReal[k], products.fdfImag[k])))
                }
            }
            #expect(worst < 2e-6 * peak, "pixel \(p): \(worst) of \(peak)")
            // The peak maps: the largest sample, and a parabola vertex within one step of it.
            let k = (0..<nPhi).max { hypot(products.fdfReal[$0], products.fdfImag[$0]) < hypot(products.fdfReal[$1], products.fdfImag[$1]) }!
            #expect(slab.peakRM[p] == Float(channels.axis.values[k]))
            #expect(abs(Double(slab.peakRMFit[p]) - channels.axis.values[k]) <= channels.axis.step)
        }
    }

    @Test("The OpenBLAS and Swift-loop matrix products agree")
    func enginesAgree() throws {
        let n = 36, np = 12
        let (freq, q, u) = Self.slabData(channels: n, pixels: np)
        var settings = FaradayCubeSettings()
        settings.dPhi = 7
        let channels = try Self.unflaggedChannels(freq, settings)
        var a = FaradayCubeSlab(q: q, u: u, i: nil, pixels: np, channels: channels), b = a
        a.synthesise(channels, matrix: FaradaySynthesisMatrix(channels, engine: .blas), threads: 1)
        b.synthesise(channels, matrix: FaradaySynthesisMatrix(channels, engine: .swift), threads: 2)
        var clean = FaradayCubeCleanSettings()
        clean.cutoff = 0.02
        a.clean(clean, channels: channels, threads: 1)
        b.clean(clean, channels: channels, threads: 2)
        let peak = a.maxPI.map(Double.init).max()!
        for (x, y) in [(a.fdfReal, b.fdfReal), (a.fdfImag, b.fdfImag), (a.ownRMSFReal, b.ownRMSFReal), (a.cleanReal, b.cleanReal)] {
            #expect(x.count == y.count)
            #expect(zip(x, y).map { abs(Double($0) - Double($1)) }.max()! < 1e-5 * peak)
        }
        #expect(a.peakRM == b.peakRM)
        #expect(a.iterations == b.iterations)
        #expect(a.iterations.allSatisfy { $0 > 0 })
    }

    @Test("A Stokes I cube divides q and u and scales the FDF by I at freq0")
    func stokesIScaling() throws {
        let n = 36, np = 12
        let (freq, q, u) = Self.slabData(channels: n, pixels: np)
        let settings = FaradayCubeSettings()
        let channels = try Self.unflaggedChannels(freq, settings)
        // I = 2 everywhere: q, u halve, the FDF is scaled back by 2.
        let i = [Float](repeating: 2, count: n * np)
        var plain = FaradayCubeSlab(q: q, u: u, i: nil, pixels: np, channels: channels)
        var scaled = FaradayCubeSlab(q: q, u: u, i: i, pixels: np, channels: channels)
        let matrix = FaradaySynthesisMatrix(channels)
        plain.synthesise(channels, matrix: matrix, threads: 1)
        scaled.synthesise(channels, matrix: matrix, threads: 1)
        let peak = plain.maxPI.map(Double.init).max()!
        #expect(zip(plain.fdfReal, scaled.fdfReal).map { abs(Double($0) - Double($1)) }.max()! < 1e-6 * peak)
        #expect(plain.peakRM == scaled.peakRM)
    }
}
