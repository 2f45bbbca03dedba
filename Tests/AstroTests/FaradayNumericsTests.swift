import Foundation
import Testing
@testable import Astro

/// The numerical building blocks of the Faraday module.
@Suite("Faraday: numerics")
struct FaradayNumericsTests {
    /// y = a + b x fitted as a least-squares problem: the minimiser must give the normal
    /// equations' solution and covariance.
    struct Line: LeastSquaresProblem {
        var x: [Double], y: [Double], sigma: [Double]
        var residualCount: Int { x.count }
        mutating func evaluate(_ p: [Double], residuals: inout [Double], jacobian: UnsafeMutablePointer<Double>?) {
            for i in x.indices {
                residuals[i] = (p[0] + p[1] * x[i] - y[i]) / sigma[i]
                jacobian?[i] = 1 / sigma[i]
                jacobian?[x.count + i] = x[i] / sigma[i]
            }
        }
    }

    @Test("Levenberg–Marquardt reproduces weighted linear least squares", arguments: [false, true])
    func linearLeastSquares(analytic: Bool) throws {
        let x = (0..<20).map { Double($0) / 4 }
        let y = x.map { 1.5 - 0.7 * $0 + 0.1 * sin(7 * $0) }
        let sigma = x.map { 0.1 + 0.02 * $0 }
        var problem = Line(x: x, y: y, sigma: sigma)
        var lm = LevenbergMarquardt()
        lm.analyticJacobian = analytic
        let r = lm.minimise(&problem, start: [0, 0])
        #expect((1...4).contains(r.status))   // 4: exact gradient zero (analytic Jacobian)
        // Normal equations.
        var s = 0.0, sx = 0.0, sxx = 0.0, sy = 0.0, sxy = 0.0
        for i in x.indices {
            let w = 1 / (sigma[i] * sigma[i])
            s += w; sx += w * x[i]; sxx += w * x[i] * x[i]; sy += w * y[i]; sxy += w * x[i] * y[i]
        }
        let det = s * sxx - sx * sx
        let a = (sxx * sy - sx * sxy) / det, b = (s * sxy - sx * sy) / det
        #expect(abs(r.parameters[0] - a) < 1e-7 && abs(r.parameters[1] - b) < 1e-7)
        let cov = try #require(r.covariance)
        #expect(relativeError(cov[0], sxx / det) < 1e-5)
        #expect(relativeError(cov[3], s / det) < 1e-5)
        #expect(relativeError(cov[1], -sx / det) < 1e-5 && cov[1] == cov[2])
        var chi2 = 0.0
        for i in x.indices { chi2 += pow((a + b * x[i] - y[i]) / sigma[i], 2) }
        #expect(relativeError(r.chiSquare, chi2) < 1e-8)
    }

    @Test("Stokes I fit recovers a curved power law, in both model forms")
    func stokesIFit() throws {
        let f = (0..<100).map { 700e6 + 4e6 * Double($0) }
        let truth = StokesIModel(function: .log, coefficients: [0, 0, 0.3, -0.2, -0.8, 0.25], referenceFrequency: 850e6)
        let i = f.map { truth.value(at: $0) }
        var fitter = StokesIFitter()
        let fit = try fitter.fit(frequency: f, i: i, di: [Double](repeating: 1e-4, count: f.count), order: 3, function: .log)
        for k in f.indices { #expect(relativeError(fit.model.value(at: f[k]), i[k]) < 1e-6) }
        let moved = fit.referenced(to: 850e6)
        for (a, b) in zip(moved.model.coefficients, truth.coefficients) { #expect(abs(a - b) < 1e-3) }
        // Re-referencing never changes the curve.
        for k in stride(from: 0, to: f.count, by: 7) {
            #expect(relativeError(moved.model.value(at: f[k]), fit.model.value(at: f[k])) < 1e-12)
        }
        let linear = try fitter.fit(frequency: f, i: i, di: [Double](repeating: 1e-4, count: f.count), order: 5, function: .linear)
        let movedLinear = linear.referenced(to: 901e6)
        for k in stride(from: 0, to: f.count, by: 9) {
            #expect(relativeError(linear.model.value(at: f[k]), i[k]) < 1e-3)
            #expect(relativeError(movedLinear.model.value(at: f[k]), linear.model.value(at: f[k])) < 1e-12)
        }
        // Automatic order: a pure power law stops at order 1 (the AIC penalises order 2).
        var noise = GaussianNoise(seed: 3)
        let pl = f.map { 0.2 * pow($0 / 850e6, -0.7) * (1 + 1e-3 * noise.next()) }
        let auto = try fitter.fit(frequency: f, i: pl, di: pl.map { $0 * 1e-3 }, order: -5, function: .log)
        #expect(auto.order == 1)
    }

    @Test("Faraday depth axis: RM-Tools' length and float32 samples")
    func axis() throws {
        let a = try FaradayDepthAxis(maximum: 100, step: 10)
        #expect(a.count == 21 && a.values.first == -100 && a.values.last == 100 && a.centre == 10)
        // round half to even, as Python: 2.5 -> 2, 3.5 -> 4.
        #expect(try FaradayDepthAxis(maximum: 25, step: 10).count == 5)
        #expect(try FaradayDepthAxis(maximum: 35, step: 10).count == 9)
        let b = try FaradayDepthAxis(maximum: 1000, step: 59.069241589437006 / 5)
        for v in b.values { #expect(Double(Float(v)) == v) }
        #expect(b.rmsfValues.count == 2 * b.count + 1)
        // ceil(FWHM / float32 dPhi) is 6, not 5, at 5 samples per FWHM (the float32 step is
        // slightly smaller than FWHM / 5).
        #expect((Float(59.069241589437006) / b.float32Step).rounded(.up) == 6)
        #expect(b.interpolate({ Double($0) }, at: b.values[7] + 0.25 * b.step) > 7.24)
        #expect(throws: FaradayError.self) { try FaradayDepthAxis(maximum: 10, step: 0) }
    }

    @Test("medians by selection equal sorted medians")
    func medians() {
        var noise = GaussianNoise(seed: 11)
        for n in [1, 2, 3, 10, 11, 256, 257, 1000] {
            var v = (0..<n).map { _ in noise.next() }
            if n > 5 { v[3] = v[1]; v[4] = v[1] }   // ties
            let sorted = v.sorted()
            let expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
            let got = v.withUnsafeMutableBufferPointer { MedianSelect.median($0.baseAddress!, count: n) }
            #expect(got == expected, "n = \(n)")
        }
    }

    @Test("numpy's float32 text for polyCoeffs")
    func float32Text() {
        #expect(FaradayJSON.numpyFloat32String(0) == "0.0")
        #expect(FaradayJSON.numpyFloat32String(Float(4.053414)) == "4.053414")
        #expect(FaradayJSON.numpyFloat32String(Float(-0.0658761)) == "-0.0658761")
        #expect(FaradayJSON.numpyFloat32String(Float(0.003993187)) == "0.003993187")
        #expect(FaradayJSON.numpyFloat32String(Float(3.46795e-06)) == "3.46795e-06")
        #expect(FaradayJSON.numpyFloat32String(Float(5.9894774e-05)) == "5.9894774e-05")
        #expect(FaradayJSON.numpyFloat32String(Float(47.20344)) == "47.20344")
        #expect(FaradayJSON.numpyFloat32String(Float(1e-4)) == "0.0001")
        #expect(FaradayJSON.numpyFloat32String(Float(123456.0)) == "123456.0")
        #expect(FaradayJSON.numpyFloat32String(Float(2e20)) == "2e+20")
        // Every polyCoeffs string of the RM-Tools cases round-trips through Float.
        for c in RMToolsCases.all {
            let text = c.rmsynth["polyCoeffs"]?.text ?? ""
            let values = text.split(separator: ",").compactMap { Double($0) }
            #expect(FaradayJSON.float32List(values) == text)
        }
    }

    @Test("JSON: NaN and infinities are null, strings are escaped")
    func json() {
        let text = FaradayJSON.object([("a", .number(.nan)), ("b", .number(1.5)), ("c", .text("x\"y")),
                                       ("d", .integer(3)), ("e", .null)], nested: [("f", "{}")])
        #expect(text == #"{"a": null, "b": 1.5, "c": "x\"y", "d": 3, "e": null, "f": {}}"#)
    }

    @Test("parabola vertex of a sampled parabola is exact")
    func parabola() {
        let v = FDFPeakMeasurer.parabolaVertex(9, 3 - pow(9 - 10.3, 2), 10, 3 - pow(10 - 10.3, 2), 11, 3 - pow(11 - 10.3, 2))
        #expect(abs(v.x - 10.3) < 1e-12 && abs(v.y - 3) < 1e-12)
        #expect(FDFPeakMeasurer.modulo180(-10) == 170 && FDFPeakMeasurer.modulo180(370) == 10)
    }

    @Test("sigma_add: no extra scatter for pure noise, the injected scatter otherwise")
    func sigmaAdd() {
        var noise = GaussianNoise(seed: 5)
        var estimator = SigmaAddEstimator()
        let pure = (0..<2000).map { _ in noise.next() }
        let extra = (0..<2000).map { _ in noise.next() * (1 + 0.5 * 0.5).squareRoot() }
        let ones = [Double](repeating: 1, count: 2000)
        let a = pure.withUnsafeBufferPointer { y in ones.withUnsafeBufferPointer { estimator.estimate(y: y, dy: $0) } }
        let b = extra.withUnsafeBufferPointer { y in ones.withUnsafeBufferPointer { estimator.estimate(y: y, dy: $0) } }
        #expect(a.value < 0.15)
        #expect(abs(b.value - 0.5) < 0.1)
        #expect(b.minus > 0 && b.plus > 0)
        // Unequal error bars take the general path and agree with the equal-error one.
        var mixed = ones
        mixed[0] = 1 + 1e-12
        let c = extra.withUnsafeBufferPointer { y in mixed.withUnsafeBufferPointer { estimator.estimate(y: y, dy: $0) } }
        #expect(abs(c.value - b.value) < 1e-6)
    }

    @Test("a synthesiser reused across spectra of different shapes gives the same results as a fresh one")
    func reuse() throws {
        let shared = RMSynthesiser()
        for c in RMToolsCases.all.prefix(12) {
            let a = try shared.synthesise(c.spectrum)
            let ca = try shared.clean()
            let fresh = RMSynthesiser()
            let b = try fresh.synthesise(c.spectrum)
            let cb = try fresh.clean()
            #expect(a == b)
            #expect(ca == cb)
        }
    }
}
