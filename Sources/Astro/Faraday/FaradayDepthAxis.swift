/// The Faraday-depth sampling of an FDF: `count` (odd) samples `step` apart, symmetric
/// about zero, and the RMSF's axis of `2 count + 1` samples at the same spacing.
///
/// `values` are rounded to 32-bit floats, as RM-Tools stores them with nBits = 32: the
/// peak fit, the noise window and the CLEAN window use these rounded positions, and their
/// float32 spacing is what makes RM-Tools' noise-exclusion window 6 (not 5) samples wide
/// per FWHM at 5 samples per FWHM.
public struct FaradayDepthAxis: Sendable, Equatable {
    /// dPhi in rad/m^2.
    public let step: Double
    /// Number of FDF samples (odd).
    public let count: Int
    /// phi_k = step (k - count/2), rounded to float32, in rad/m^2.
    public let values: [Double]

    /// Builds the axis covering +/-`maximum` (rad/m^2) at `step`, with
    /// 2 round(maximum/step) + 1 samples (round half to even, as Python does).
    public init(maximum: Double, step: Double) throws(FaradayError) {
        guard step.isFinite, step > 0 else { throw .nonFinite(quantity: "Faraday depth step dPhi", value: step) }
        guard maximum.isFinite, maximum > 0 else { throw .nonFinite(quantity: "maximum Faraday depth phiMax", value: maximum) }
        let half = abs(maximum / step).rounded(.toNearestOrEven)
        guard half < 5e6 else {
            throw .invalidSetting("the Faraday depth axis would have \(2 * half + 1) samples (phiMax \(maximum), dPhi \(step))")
        }
        self.step = step
        count = Self.sampleCount(maximum: maximum, step: step)
        let centre = count / 2
        values = (0..<count).map { Double(Float(step * Double($0 - centre))) }
    }

    /// 2 round(|maximum / step|) + 1, rounding half to even.
    static func sampleCount(maximum: Double, step: Double) -> Int {
        Int(abs(maximum / step).rounded(.toNearestOrEven)) * 2 + 1
    }

    /// Index of phi = 0.
    public var centre: Int { count / 2 }
    /// The largest |phi| sampled.
    public var maximum: Double { values[count - 1] }
    /// Number of RMSF samples.
    public var rmsfCount: Int { 2 * count + 1 }
    /// The RMSF axis (float32-rounded like `values`).
    public var rmsfValues: [Double] {
        (0..<rmsfCount).map { Double(Float(step * Double($0 - count))) }
    }

    /// The smallest spacing between adjacent float32 samples, computed in float32
    /// (RM-Tools' `nanmin(diff(phiArr))`).
    var float32Step: Float {
        var smallest = Float.infinity
        for k in 1..<count {
            smallest = min(smallest, Float(values[k]) - Float(values[k - 1]))
        }
        return smallest.isFinite ? smallest : Float(step)
    }

    /// Linear interpolation of `y` (sampled on `values`) at `phi`, clamped at the ends
    /// (numpy.interp).
    func interpolate(_ y: (Int) -> Double, at phi: Double) -> Double {
        if phi <= values[0] { return y(0) }
        if phi >= values[count - 1] { return y(count - 1) }
        var k = Int(((phi - values[0]) / step).rounded(.down))
        k = min(max(k, 0), count - 2)
        while k > 0 && values[k] > phi { k -= 1 }
        while k < count - 2 && values[k + 1] <= phi { k += 1 }
        let x0 = values[k], x1 = values[k + 1]
        let slope = (y(k + 1) - y(k)) / (x1 - x0)
        return slope * (phi - x0) + y(k)
    }
}
