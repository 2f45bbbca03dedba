#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The peak of a Faraday dispersion function and the quantities RM-Tools derives from it
/// (`measure_FDF_parms`). Property docs name the RM-Tools key.
public struct FDFPeak: Sendable, Equatable {
    /// `dFDFcorMAD`: MAD-based noise of Re and Im outside +/-2 FWHM of the peak (Jy/beam).
    public var noiseMAD: Double
    /// `phiPeakPIfit_rm2`: Faraday depth of the peak, parabola through 3 samples (rad/m^2).
    public var phi: Double
    /// `dPhiPeakPIfit_rm2`: FWHM_RMSF x noise / (2 amplitude).
    public var phiError: Double
    /// `ampPeakPIfit`: polarised intensity at the fitted peak.
    public var amplitude: Double
    /// `ampPeakPIfitEff`: bias-corrected amplitude, sqrt(amp^2 - 2.3 noise^2) when snr >= 5.
    public var amplitudeEffective: Double
    /// `dAmpPeakPIfit`: the noise used (dFDFth).
    public var amplitudeError: Double
    /// `snrPIfit`: amplitude / noise.
    public var snr: Double
    /// `indxPeakPIfit`: fractional sample index of the peak.
    public var index: Double
    /// `peakFDFrealFit`, `peakFDFimagFit`: Re and Im of the FDF interpolated at the peak.
    public var real: Double
    public var imaginary: Double
    /// `polAngleFit_deg`, `dPolAngleFit_deg`: polarisation angle at lambda0^2, [0, 180).
    public var angle: Double
    public var angleError: Double
    /// `polAngle0Fit_deg`, `dPolAngle0Fit_deg`: angle de-rotated to lambda^2 = 0, [0, 180).
    public var angle0: Double
    public var angle0Error: Double

    /// The fields under RM-Tools' key names, in RM-Tools' order.
    public var fields: [(String, FaradayValue)] {
        [("dFDFcorMAD", .number(noiseMAD)), ("phiPeakPIfit_rm2", .number(phi)),
         ("dPhiPeakPIfit_rm2", .number(phiError)), ("ampPeakPIfit", .number(amplitude)),
         ("ampPeakPIfitEff", .number(amplitudeEffective)), ("dAmpPeakPIfit", .number(amplitudeError)),
         ("snrPIfit", .number(snr)), ("indxPeakPIfit", .number(index)),
         ("peakFDFimagFit", .number(imaginary)), ("peakFDFrealFit", .number(real)),
         ("polAngleFit_deg", .number(angle)), ("dPolAngleFit_deg", .number(angleError)),
         ("polAngle0Fit_deg", .number(angle0)), ("dPolAngle0Fit_deg", .number(angle0Error))]
    }
}

/// What the peak measurement needs to know about the channels.
struct ChannelGeometry {
    /// Number of channels (all of them, as RM-Tools counts `nChansGood` from lambda^2).
    var count: Int
    /// Sample variance of lambda^2 over the channels.
    var lambdaSquaredVariance: Double
    /// lambda0^2, the weighted mean lambda^2.
    var lambda0Squared: Double
}

/// Measures FDF peaks; keeps a scratch buffer for the noise estimate.
struct FDFPeakMeasurer {
    private var scratch: [Double] = []

    /// RM-Tools' bias-correction threshold (snr at or above which ampPeakPIfitEff is corrected).
    static let biasCorrectionSNR = 5.0

    mutating func measure(real re: UnsafePointer<Double>, imaginary im: UnsafePointer<Double>,
                          axis: FaradayDepthAxis, fwhm: Double, noise: Double,
                          channels: ChannelGeometry) throws(FaradayError) -> FDFPeak {
        let n = axis.count
        guard n >= 3 else { throw .invalidSetting("the Faraday depth axis has \(n) samples; at least 3 are needed") }

        // Peak sample, edges excluded (a parabola needs both neighbours).
        var k = -1
        var best = -Double.infinity
        for j in 1..<(n - 1) {
            let a = re[j] * re[j] + im[j] * im[j]
            if a > best { best = a; k = j }
        }
        guard k > 0, best.isFinite else { throw .nonFinite(quantity: "FDF peak amplitude", value: best) }
        func amplitude(_ j: Int) -> Double { (re[j] * re[j] + im[j] * im[j]).squareRoot() }

        let noiseMAD = madNoise(re, im, axis: axis, fwhm: fwhm, peak: k)

        let vertex = Self.parabolaVertex(Float(axis.values[k - 1]), amplitude(k - 1),
                                         Float(axis.values[k]), amplitude(k),
                                         Float(axis.values[k + 1]), amplitude(k + 1))
        let phi = vertex.x, amp = vertex.y
        guard phi.isFinite, amp.isFinite else { throw .nonFinite(quantity: "FDF peak fit", value: phi.isFinite ? amp : phi) }
        guard abs(phi) <= axis.maximum else { throw .peakOutsideRange(phi: phi, phiMax: axis.maximum) }

        let snr = amp / noise
        let ampEff = snr >= Self.biasCorrectionSNR ? (amp * amp - 2.3 * noise * noise).squareRoot() : amp
        let real = axis.interpolate({ re[$0] }, at: phi)
        let imaginary = axis.interpolate({ im[$0] }, at: phi)
        let index = axis.interpolate({ Double($0) }, at: phi)
        let degrees = 180 / Double.pi
        let angle = Self.modulo180(0.5 * degrees * atan2(imaginary, real))
        let angle0 = Self.modulo180(degrees * (angle / degrees - phi * channels.lambda0Squared))
        let nc = Double(channels.count)
        let angle0Error = degrees * (noise * noise * nc / (4 * (nc - 2) * amp * amp)
            * ((nc - 1) / nc + channels.lambda0Squared * channels.lambda0Squared / channels.lambdaSquaredVariance)).squareRoot()
        return FDFPeak(noiseMAD: noiseMAD, phi: phi, phiError: fwhm * noise / (2 * amp),
                       amplitude: amp, amplitudeEffective: ampEff, amplitudeError: noise, snr: snr,
                       index: index, real: real, imaginary: imaginary,
                       angle: angle, angleError: degrees * (noise / (2 * amp)),
                       angle0: angle0, angle0Error: angle0Error)
    }

    /// Noise of the FDF from the median absolute deviation of Re and Im together, leaving
    /// out 2 FWHM either side of the peak (all samples if that leaves fewer than 30%).
    /// The window half-width is ceil(FWHM / dPhi) samples computed in float32, as RM-Tools.
    private mutating func madNoise(_ re: UnsafePointer<Double>, _ im: UnsafePointer<Double>,
                                   axis: FaradayDepthAxis, fwhm: Double, peak k: Int) -> Double {
        let n = axis.count
        let width = Int((Float(fwhm) / axis.float32Step).rounded(.up))
        let lo = max(0, k - 2 * width), hi = min(n, k + 2 * width)
        let keepAll = Double(n - (hi - lo)) / Double(n) < 0.3
        if scratch.count < 2 * n { scratch = [Double](repeating: 0, count: 2 * n) }
        return scratch.withUnsafeMutableBufferPointer { buffer -> Double in
            let b = buffer.baseAddress!
            var m = 0
            for j in 0..<n where keepAll || j < lo || j >= hi {
                if re[j].isNaN || im[j].isNaN { continue }
                b[m] = re[j]; m += 1
            }
            for j in 0..<n where keepAll || j < lo || j >= hi {
                if re[j].isNaN || im[j].isNaN { continue }
                b[m] = im[j]; m += 1
            }
            guard m > 0 else { return .nan }
            let centre = MedianSelect.median(b, count: m)
            for i in 0..<m { b[i] = abs(b[i] - centre) }
            return MedianSelect.median(b, count: m) / 0.6745
        }
    }

    /// Vertex of the parabola through three adjacent samples, with the abscissae
    /// normalised in float32 as RM-Tools does with its float32 Faraday-depth axis.
    static func parabolaVertex(_ x1: Float, _ y1: Double, _ x2: Float, _ y2: Double,
                               _ x3: Float, _ y3: Double) -> (x: Double, y: Double) {
        let deltaX = x2 - x3
        let n1 = (x1 - x2) / deltaX, n2 = (x2 - x2) / deltaX, n3 = (x3 - x2) / deltaX
        let u1 = y1 / y2, u2 = y2 / y2, u3 = y3 / y2
        let d = Double((n1 - n2) * (n1 - n3) * (n2 - n3))
        let a1 = Double(n1), a2 = Double(n2), a3 = Double(n3)
        let aa = (a3 * (u2 - u1) + a2 * (u1 - u3) + a1 * (u3 - u2)) / d
        let bb = (Double(n3 * n3) * (u1 - u2) + Double(n2 * n2) * (u3 - u1) + Double(n1 * n1) * (u2 - u3)) / d
        let cc = (Double(n2 * n3 * (n2 - n3)) * u1 + Double(n3 * n1 * (n3 - n1)) * u2
                  + Double(n1 * n2 * (n1 - n2)) * u3) / d
        let xv = -bb / (2 * aa)
        let yv = cc - bb * bb / (4 * aa)
        return (xv * Double(deltaX) + Double(x2), yv * y2)
    }

    /// x mod 180 in [0, 180) (Python's modulo for a positive divisor).
    static func modulo180(_ x: Double) -> Double {
        let r = x.truncatingRemainder(dividingBy: 180)
        return r < 0 ? r + 180 : r
    }
}
