#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hogbom RM-CLEAN on the workspace's last FDF (RM-Tools' `do_rmclean_hogbom`).
extension SynthesisWorkspace {
    mutating func clean(_ settings: RMCleanSettings) throws(FaradayError) -> RMCleanResult {
        guard let synthesis = last, let axis else {
            throw .invalidSetting("RM-CLEAN needs a synthesised FDF: call synthesise(_:) first")
        }
        try settings.validate()
        let n = axis.count
        let dFDFth = synthesis.dFDFth
        let cutoff = settings.cutoff < 0 ? -dFDFth * settings.cutoff : settings.cutoff
        resize(&residualReal, n); resize(&residualImag, n)
        resize(&modelReal, n); resize(&modelImag, n)
        resize(&cleanReal, n); resize(&cleanImag, n)
        resize(&residual32Real, n); resize(&residual32Imag, n)
        resize(&model32Real, n); resize(&model32Imag, n)
        resize(&rmsf32Real, axis.rmsfCount); resize(&rmsf32Imag, axis.rmsfCount)
        for k in 0..<n {
            residual32Real[k] = Float(fdfReal[k]); residual32Imag[k] = Float(fdfImag[k])
            model32Real[k] = 0; model32Imag[k] = 0
        }
        for k in 0..<axis.rmsfCount { rmsf32Real[k] = Float(rmsfReal[k]); rmsf32Imag[k] = Float(rmsfImag[k]) }

        var iterations = 0
        iterations = hogbom(cutoff: cutoff, gain: settings.gain, limit: settings.maxIterations,
                            window: nil, done: iterations)
        if let w = settings.window {
            let windowCutoff = w < 0 ? -dFDFth * w : w
            // Window: +/- FWHM/2 (in float32 samples) around every component found so far.
            let halfWidth = synthesis.fwhmRMSF / Double(Float(axis.values[1]) - Float(axis.values[0])) / 2
            var mask = [Bool](repeating: false, count: n)
            for k in 0..<n where model32Real[k] != 0 || model32Imag[k] != 0 {
                let start = max(0, Int(Double(k) - halfWidth))
                let end = min(n, Int(Double(k) + halfWidth))
                if start < end { for j in start..<end { mask[j] = true } }
            }
            if mask.contains(true) {
                iterations = hogbom(cutoff: windowCutoff, gain: settings.gain, limit: settings.maxIterations,
                                    window: mask, done: iterations)
            }
        }
        for k in 0..<n {
            residualReal[k] = Double(residual32Real[k]); residualImag[k] = Double(residual32Imag[k])
            modelReal[k] = Double(model32Real[k]); modelImag[k] = Double(model32Imag[k])
        }
        restore(fwhm: synthesis.fwhmRMSF, axis: axis)
        cleaned = true

        let peak = try cleanReal.withUnsafeBufferPointer { re throws(FaradayError) in
            try cleanImag.withUnsafeBufferPointer { im throws(FaradayError) in
                try peakMeasurer.measure(real: re.baseAddress!, imaginary: im.baseAddress!, axis: axis,
                                         fwhm: synthesis.fwhmRMSF, noise: dFDFth, channels: geometry)
            }
        }
        // Second moment of the clean-component spectrum.
        var weight = 0.0, first = 0.0
        for k in 0..<n {
            let a = (modelReal[k] * modelReal[k] + modelImag[k] * modelImag[k]).squareRoot()
            weight += a; first += a * axis.values[k]
        }
        var moment: Double? = nil
        if weight > 0 {
            let mean = first / weight
            var second = 0.0
            for k in 0..<n {
                let a = (modelReal[k] * modelReal[k] + modelImag[k] * modelImag[k]).squareRoot()
                second += (axis.values[k] - mean) * (axis.values[k] - mean) * a
            }
            moment = (second / weight).squareRoot()
        }
        let scale = peak.noiseMAD / dFDFth
        return RMCleanResult(peak: peak, cutoff: cutoff, iterations: iterations, componentSecondMoment: moment,
                             phiErrorObserved: peak.phiError * scale, amplitudeErrorObserved: peak.noiseMAD,
                             angleErrorObserved: peak.angleError * scale, angle0ErrorObserved: peak.angle0Error * scale)
    }

    /// The CLEAN loop over the residual; `window` restricts the peak search. Returns the
    /// total iteration count.
    ///
    /// RM-Tools CLEANs in complex64 (nBits = 32), and late in a CLEAN the residual's two
    /// highest samples are often equal to within float32 rounding, so which one gets the
    /// next component is decided by that rounding. To make the same choices, the loop runs
    /// in float32 with numpy's operation order: the complex product as a fused
    /// multiply-add (re = fma(a, c, -(b d)), im = fma(a, d, b c)) and the modulus as
    /// max * sqrt(fma(q, q, 1)), q = min/max.
    private mutating func hogbom(cutoff: Double, gain: Double, limit: Int, window: [Bool]?, done: Int) -> Int {
        let n = fdfReal.count
        var iterations = done
        let cutoff32 = Float(cutoff)
        let gain32 = Float(gain)
        residual32Real.withUnsafeMutableBufferPointer { rr in
        residual32Imag.withUnsafeMutableBufferPointer { ri in
        model32Real.withUnsafeMutableBufferPointer { mr in
        model32Imag.withUnsafeMutableBufferPointer { mi in
        rmsf32Real.withUnsafeBufferPointer { br in
        rmsf32Imag.withUnsafeBufferPointer { bi in
            // Peak of |residual| (within the window, if any), first index on ties, with
            // numpy's float32 modulus. The double-precision |r|^2 finds the candidates;
            // the float32 modulus, which can differ from the exact one only in the last
            // bit, is computed just for samples within 1e-5 of the largest.
            func peak() -> (Int, Float) {
                var largest = -1.0
                for j in 0..<n where window?[j] ?? true {
                    let a = Double(rr[j]) * Double(rr[j]) + Double(ri[j]) * Double(ri[j])
                    if a > largest { largest = a }
                }
                let threshold = largest * (1 - 1e-5)
                var k = -1
                var best: Float = -1
                for j in 0..<n where window?[j] ?? true {
                    let a = Double(rr[j]) * Double(rr[j]) + Double(ri[j]) * Double(ri[j])
                    guard a >= threshold else { continue }
                    let m = Self.modulus(rr[j], ri[j])
                    if m > best { best = m; k = j }
                }
                return (k, best)
            }
            var (k, best) = peak()
            while k >= 0 && best >= cutoff32 && iterations < limit {
                let ccr = gain32 * rr[k], cci = gain32 * ri[k]
                mr[k] += ccr; mi[k] += cci
                // RMSF sample for residual j is at index centre + j - k, centre = n.
                // Product as numpy's complex64 multiply: re = fma(ccr, sr, -(cci si)),
                // im = fma(ccr, si, cci sr); a float product is exact in double, so the
                // fused multiply-add is one double operation rounded to float.
                let offset = n - k
                let dr = Double(ccr)
                for j in 0..<n {
                    let sr = br[offset + j], si = bi[offset + j]
                    let pr = Float(dr * Double(sr) - Double(cci * si))
                    let pi = Float(dr * Double(si) + Double(cci * sr))
                    rr[j] -= pr
                    ri[j] -= pi
                }
                (k, best) = peak()
                iterations += 1
            }
        }}}}}}
        return iterations
    }

    /// |re + i im| as numpy computes it for complex64 on this class of machine.
    @inline(__always)
    private static func modulus(_ re: Float, _ im: Float) -> Float {
        let a = abs(re), b = abs(im)
        let big = max(a, b), small = min(a, b)
        if big == 0 || !big.isFinite { return big.isNaN ? .nan : big + small }
        let q = small / big
        return big * Float(Double(q) * Double(q) + 1).squareRoot()
    }

    /// clean = components convolved with the restoring Gaussian + residual.
    private mutating func restore(fwhm: Double, axis: FaradayDepthAxis) {
        let n = axis.count
        if restoringBeamKey == nil || restoringBeamKey!.count != n || restoringBeamKey!.step != axis.step
            || restoringBeamKey!.fwhm != fwhm {
            let sigma = fwhm / (2 * (2 * log(2.0)).squareRoot())
            restoringBeam = (0..<n).map { d in
                let x = Double(d) * axis.step
                return exp(-x * x / (2 * sigma * sigma))
            }
            restoringBeamKey = (n, axis.step, fwhm)
        }
        for j in 0..<n { cleanReal[j] = residualReal[j]; cleanImag[j] = residualImag[j] }
        for k in 0..<n where modelReal[k] != 0 || modelImag[k] != 0 {
            let cr = modelReal[k], ci = modelImag[k]
            for j in 0..<n {
                let g = restoringBeam[abs(j - k)]
                if g == 0 { continue }
                cleanReal[j] += cr * g
                cleanImag[j] += ci * g
            }
        }
    }
}
