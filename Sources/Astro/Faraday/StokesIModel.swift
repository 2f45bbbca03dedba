#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The functional form of the Stokes I model.
public enum StokesIFitFunction: String, Sendable, CaseIterable {
    /// Power law with curvature: I = C5 x^(C0 L^4 + C1 L^3 + C2 L^2 + C3 L + C4),
    /// x = nu / nu_ref, L = log10 x ("log" in RM-Tools and the pipeline's settings).
    case log
    /// Polynomial in x = nu / nu_ref: I = C0 x^5 + C1 x^4 + ... + C5 ("linear" in RM-Tools).
    case linear
}

/// A Stokes I spectrum model: six coefficients in RM-Tools' order (highest order first;
/// the last is the amplitude for `log` and the constant term for `linear`), relative to a
/// reference frequency. Coefficients beyond the fitted order are zero.
public struct StokesIModel: Sendable, Equatable {
    public var function: StokesIFitFunction
    /// RM-Tools' `polyCoeffs` order: [C0, C1, C2, C3, C4, C5].
    public var coefficients: [Double]
    /// nu_ref in Hz.
    public var referenceFrequency: Double

    public init(function: StokesIFitFunction, coefficients: [Double], referenceFrequency: Double) {
        precondition(coefficients.count == 6, "a Stokes I model has six coefficients")
        self.function = function
        self.coefficients = coefficients
        self.referenceFrequency = referenceFrequency
    }

    /// The model flux density at `frequency` (Hz).
    public func value(at frequency: Double) -> Double {
        Self.evaluate(function, coefficients, x: frequency / referenceFrequency)
    }

    static func evaluate(_ function: StokesIFitFunction, _ c: [Double], x: Double) -> Double {
        switch function {
        case .linear:
            return ((((c[0] * x + c[1]) * x + c[2]) * x + c[3]) * x + c[4]) * x + c[5]
        case .log:
            let lnx = log(x)
            let l = lnx / M_LN10
            let exponent = (((c[0] * l + c[1]) * l + c[2]) * l + c[3]) * l + c[4]
            return c[5] * exp(lnx * exponent)
        }
    }

    /// The same curve expressed relative to `frequency`, with the coefficients' covariance
    /// (6 x 6, row-major) carried through to first order. The curve is unchanged; only the
    /// coefficients change.
    func referenced(to frequency: Double, covariance: [Double]) -> (model: StokesIModel, errors: [Double]) {
        let ratio = frequency / referenceFrequency
        let c = coefficients
        var new = c
        // jacobian[i][j] = d new_i / d c_j
        var jacobian = [[Double]](repeating: [Double](repeating: 0, count: 6), count: 6)
        switch function {
        case .linear:
            for i in 0..<6 {
                let scale = pow(ratio, Double(5 - i))
                new[i] = c[i] * scale
                jacobian[i][i] = scale
            }
        case .log:
            // log10 I = log10 C5 + sum_k c_k L^(5-k), L = L' + l with l = log10(ratio):
            // expand the shifted polynomial in L'.
            let l = log10(ratio)
            let l2 = l * l, l3 = l2 * l, l4 = l3 * l, l5 = l4 * l
            new[1] = 5 * c[0] * l + c[1]
            new[2] = 10 * c[0] * l2 + 4 * c[1] * l + c[2]
            new[3] = 10 * c[0] * l3 + 6 * c[1] * l2 + 3 * c[2] * l + c[3]
            new[4] = 5 * c[0] * l4 + 4 * c[1] * l3 + 3 * c[2] * l2 + 2 * c[3] * l + c[4]
            let shift = c[0] * l5 + c[1] * l4 + c[2] * l3 + c[3] * l2 + c[4] * l
            let gain = pow(10, shift)
            new[5] = c[5] * gain
            jacobian[0] = [1, 0, 0, 0, 0, 0]
            jacobian[1] = [5 * l, 1, 0, 0, 0, 0]
            jacobian[2] = [10 * l2, 4 * l, 1, 0, 0, 0]
            jacobian[3] = [10 * l3, 6 * l2, 3 * l, 1, 0, 0]
            jacobian[4] = [5 * l4, 4 * l3, 3 * l2, 2 * l, 1, 0]
            let g = new[5] * M_LN10
            jacobian[5] = [g * l5, g * l4, g * l3, g * l2, g * l, gain]
        }
        var errors = [Double](repeating: 0, count: 6)
        for i in 0..<6 {
            var v = 0.0
            for a in 0..<6 where jacobian[i][a] != 0 {
                for b in 0..<6 where jacobian[i][b] != 0 {
                    v += jacobian[i][a] * covariance[a * 6 + b] * jacobian[i][b]
                }
            }
            errors[i] = max(v, 0).squareRoot()
        }
        return (StokesIModel(function: function, coefficients: new, referenceFrequency: frequency), errors)
    }
}
