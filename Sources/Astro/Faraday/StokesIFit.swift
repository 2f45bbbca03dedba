#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fitted Stokes I model and the fit's diagnostics, with RM-Tools' meanings: `status`
/// is `IfitStat` (the minimiser's exit code, plus 64 if the model is below dI somewhere,
/// plus 128 if it is negative somewhere), `reducedChiSquare` is `IfitChiSqRed`
/// (chi-square over channels - order - 1, counting flagged channels as RM-Tools does).
public struct StokesIFit: Sendable, Equatable {
    /// The model, relative to the frequency it was fitted at (or re-referenced to).
    public var model: StokesIModel
    /// One-sigma errors of the six coefficients (`polyCoefferr`); 0 for unfitted ones.
    public var errors: [Double]
    /// Covariance of the coefficients at the fit's own reference frequency (6 x 6, row-major).
    public var covariance: [Double]
    /// The polynomial order used (chosen by the fit when a negative order was asked for).
    public var order: Int
    /// `IfitStat`: minimiser status (1-8) + 64 (model < dI somewhere) + 128 (model < 0 somewhere).
    public var status: Int
    public var chiSquare: Double
    public var reducedChiSquare: Double
    /// Akaike information criterion, 2 (order + 1) + chi-square.
    public var aic: Double
    public var iterations: Int
    public var degreesOfFreedom: Int

    /// Bit added to `status` when the model is negative in some channel.
    public static let negativeModelFlag = 128
    /// Bit added to `status` when the model is below the Stokes I error in some channel.
    public static let lowSignalFlag = 64

    /// The same model expressed at `frequency` (the polarisation reference frequency), with
    /// the coefficient errors propagated through the change of reference.
    public func referenced(to frequency: Double) -> StokesIFit {
        let moved = model.referenced(to: frequency, covariance: covariance)
        var copy = self
        copy.model = moved.model
        copy.errors = moved.errors
        return copy
    }
}

/// Fits a Stokes I model by weighted least squares (Levenberg–Marquardt), as RM-Tools'
/// `fit_StokesI_model`: channels with non-finite I or dI are ignored; frequencies are
/// scaled by nu_ref = 1 / sqrt(mean(1/nu^2)) over the fitted channels; a negative `order`
/// tries orders 0, 1, ... |order| and keeps raising it while the AIC improves.
struct StokesIFitter {
    private var problem = StokesIFitProblem()

    mutating func fit(frequency: [Double], i: [Double], di: [Double], order requested: Int,
                      function: StokesIFitFunction) throws(FaradayError) -> StokesIFit {
        guard (-5...5).contains(requested) else {
            throw .invalidSetting("polynomial order \(requested) is outside -5...5")
        }
        let n = frequency.count
        problem.function = function
        problem.x.removeAll(keepingCapacity: true)
        problem.lnx.removeAll(keepingCapacity: true)
        problem.y.removeAll(keepingCapacity: true)
        problem.inverseSigma.removeAll(keepingCapacity: true)
        problem.sigma.removeAll(keepingCapacity: true)
        problem.log10s.removeAll(keepingCapacity: true)
        var inverseSquareSum = 0.0
        var good: [Int] = []
        good.reserveCapacity(n)
        for c in 0..<n where i[c].isFinite && di[c].isFinite {
            good.append(c)
            inverseSquareSum += 1 / (frequency[c] * frequency[c])
        }
        let lowestOrder = requested < 0 ? 0 : requested
        guard good.count >= lowestOrder + 2 else {
            throw .tooFewChannels(what: "Stokes I fit of order \(lowestOrder)", usable: good.count, needed: lowestOrder + 2)
        }
        let reference = 1 / (inverseSquareSum / Double(good.count)).squareRoot()
        let unweighted = good.allSatisfy { di[$0] == 0 }
        var mean = 0.0
        for c in good {
            if !unweighted && di[c] == 0 { throw .zeroStokesIUncertainty(channel: c) }
            let x = frequency[c] / reference
            problem.x.append(x)
            problem.lnx.append(log(x))
            problem.y.append(i[c])
            problem.inverseSigma.append(unweighted ? 1 : 1 / di[c])
            problem.sigma.append(unweighted ? 1 : di[c])
            problem.log10s.append(log10(x))
            mean += i[c]
        }
        mean /= Double(good.count)

        var best: (order: Int, result: LevenbergMarquardt.Result, aic: Double)
        if requested >= 0 {
            let r = try minimise(order: requested, start: mean)
            best = (requested, r, 2 * Double(requested + 1) + r.chiSquare)
        } else {
            let r0 = try minimise(order: 0, start: mean)
            best = (0, r0, 2 + r0.chiSquare)
            var order = 1
            while order <= -requested && good.count >= order + 2 {
                let r = try minimise(order: order, start: mean)
                let aic = 2 * Double(order + 1) + r.chiSquare
                guard aic < best.aic else { break }
                best = (order, r, aic)
                order += 1
            }
        }

        let free = Array((5 - best.order)...5)
        var coefficients = [Double](repeating: 0, count: 6)
        var covariance = [Double](repeating: 0, count: 36)
        let lm = best.result
        for (k, index) in free.enumerated() { coefficients[index] = lm.parameters[k] }
        guard let cv = lm.covariance, lm.status > 0, coefficients.allSatisfy({ $0.isFinite }) else {
            throw .stokesIFitFailed(status: lm.status, reason: lm.status == -16
                ? "the model overflowed (non-finite values)" : "the minimiser stopped without a solution")
        }
        for (a, ia) in free.enumerated() {
            for (b, ib) in free.enumerated() { covariance[ia * 6 + ib] = cv[a * free.count + b] }
        }
        var errors = [Double](repeating: 0, count: 6)
        for k in 0..<6 where covariance[k * 7] >= 0 { errors[k] = covariance[k * 7].squareRoot() }

        let model = StokesIModel(function: function, coefficients: coefficients, referenceFrequency: reference)
        var status = abs(lm.status)
        var negative = false, faint = false
        for c in 0..<n {
            let v = model.value(at: frequency[c])
            if v < 0 { negative = true }
            if v < di[c] { faint = true }
        }
        if negative { status += StokesIFit.negativeModelFlag }
        if faint { status += StokesIFit.lowSignalFlag }
        let dof = n - best.order - 1
        return StokesIFit(model: model, errors: errors, covariance: covariance, order: best.order,
                          status: status, chiSquare: lm.chiSquare,
                          reducedChiSquare: lm.chiSquare / Double(dof), aic: best.aic,
                          iterations: lm.iterations, degreesOfFreedom: dof)
    }

    private mutating func minimise(order: Int, start mean: Double) throws(FaradayError) -> LevenbergMarquardt.Result {
        problem.free = Array((5 - order)...5)
        var start = [Double](repeating: 0, count: order + 1)
        start[order] = mean
        let result = LevenbergMarquardt().minimise(&problem, start: start)
        if result.status <= 0 {
            throw .stokesIFitFailed(status: result.status, reason: result.status == -16
                ? "the model overflowed (non-finite values)" : "bad input to the minimiser")
        }
        return result
    }
}

/// Residuals (model - I) / dI of the Stokes I model over the fitted channels, and their
/// derivatives with respect to the free coefficients. The model is evaluated in RM-Tools'
/// order of operations (powers of log10 x summed highest first, then x^exponent, then a
/// division by dI), because the forward-difference Jacobian is sensitive to the last bits.
struct StokesIFitProblem: LeastSquaresProblem {
    var function: StokesIFitFunction = .log
    var x: [Double] = []
    /// ln x and log10 x per channel.
    var lnx: [Double] = []
    var log10s: [Double] = []
    var y: [Double] = []
    var sigma: [Double] = []
    var inverseSigma: [Double] = []
    /// Indices (into the six coefficients) of the fitted ones.
    var free: [Int] = [5]
    private var c = [Double](repeating: 0, count: 6)

    var residualCount: Int { x.count }

    mutating func evaluate(_ p: [Double], residuals: inout [Double], jacobian: UnsafeMutablePointer<Double>?) {
        for k in 0..<6 { c[k] = 0 }
        for (k, index) in free.enumerated() { c[index] = p[k] }
        let m = x.count
        switch function {
        case .log:
            for i in 0..<m {
                let l = log10s[i]
                // Coefficients fixed at zero contribute exact zeros: skip their powers.
                var exponent = 0.0
                if c[0] != 0 { exponent += c[0] * pow(l, 4) }
                if c[1] != 0 { exponent += c[1] * pow(l, 3) }
                exponent += c[2] * (l * l)
                exponent += c[3] * l
                exponent += c[4]
                let power = pow(x[i], exponent)
                let model = c[5] * power
                residuals[i] = (model - y[i]) / sigma[i]
                if let jacobian {
                    // d model / d c_k = model ln(x) L^(4-k) for k < 5; d model / d c_5 = x^exponent.
                    let w = inverseSigma[i]
                    let base = model * lnx[i] * w
                    for (col, index) in free.enumerated() {
                        var value = index == 5 ? power * w : base
                        if index < 5 { for _ in 0..<(4 - index) { value *= l } }
                        jacobian[col * m + i] = value
                    }
                }
            }
        case .linear:
            for i in 0..<m {
                let xi = x[i]
                var model = 0.0
                if c[0] != 0 { model += c[0] * pow(xi, 5) }
                if c[1] != 0 { model += c[1] * pow(xi, 4) }
                if c[2] != 0 { model += c[2] * pow(xi, 3) }
                model += c[3] * (xi * xi)
                model += c[4] * xi
                model += c[5]
                residuals[i] = (model - y[i]) / sigma[i]
                if let jacobian {
                    let w = inverseSigma[i]
                    for (col, index) in free.enumerated() {
                        var value = w
                        for _ in 0..<(5 - index) { value *= xi }
                        jacobian[col * m + i] = value
                    }
                }
            }
        }
    }
}
