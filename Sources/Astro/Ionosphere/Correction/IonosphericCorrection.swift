/// Removes the ionosphere's Faraday rotation from a spectrum: P = Q + iU becomes P / theta per
/// channel (FRion's correction), Stokes I untouched. With 1/theta = a + ib, Q' = aQ - bU and
/// U' = bQ + aU; the errors follow for independent Q and U noise:
/// dQ'^2 = a^2 dQ^2 + b^2 dU^2, dU'^2 = b^2 dQ^2 + a^2 dU^2. NaN (flagged) channels stay NaN.
public enum IonosphericCorrection {
    public static func apply(_ theta: [Modulation], to s: Spectrum) throws -> Spectrum {
        guard theta.count == s.count else { throw IonosphericCorrectionError.channelCount(theta: theta.count, spectrum: s.count) }
        var out = s
        for c in 0..<s.count {
            let t = theta[c]
            let m2 = t.re * t.re + t.im * t.im
            guard m2 > 0, m2.isFinite else {
                out.q[c] = .nan; out.u[c] = .nan; out.dq[c] = .nan; out.du[c] = .nan
                continue
            }
            let a = t.re / m2, b = -t.im / m2
            let q = s.q[c], u = s.u[c], dq2 = s.dq[c] * s.dq[c], du2 = s.du[c] * s.du[c]
            out.q[c] = a * q - b * u
            out.u[c] = b * q + a * u
            out.dq[c] = (a * a * dq2 + b * b * du2).squareRoot()
            out.du[c] = (b * b * dq2 + a * a * du2).squareRoot()
        }
        return out
    }

    /// The modulation as text: one line per channel, `freq Re(theta) Im(theta)` (the
    /// original's `<Source_ID>_ion.txt`).
    public static func modulationText(frequencies: [Double], theta: [Modulation]) -> String {
        var out = "# freq_Hz theta_real theta_imag\n"
        for (nu, t) in zip(frequencies, theta) {
            out += "\(nu) \(t.re) \(t.im)\n"
        }
        return out
    }
}

public enum IonosphericCorrectionError: Error, Equatable, CustomStringConvertible {
    case channelCount(theta: Int, spectrum: Int)
    public var description: String {
        switch self {
        case .channelCount(let t, let s): return "the modulation has \(t) channels but the spectrum \(s)"
        }
    }
}
