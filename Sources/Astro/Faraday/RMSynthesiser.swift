#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// RM synthesis and RM-CLEAN of 1-D spectra, reproducing RM-Tools 1.5.0's `rmsynth1d` and
/// `rmclean1d` (see shared/reference/ARRAKIS.md for the formulas).
///
/// A synthesiser owns its work buffers and reuses them from one spectrum to the next, so
/// the per-spectrum cost is arithmetic, not allocation: keep one per thread (it is not
/// thread-safe) and feed it spectra.
///
/// ```swift
/// let synthesiser = RMSynthesiser()
/// let dirty = try synthesiser.synthesise(spectrum)
/// let clean = try synthesiser.clean()          // CLEANs the FDF just synthesised
/// ```
public final class RMSynthesiser {
    public var settings: RMSynthesisSettings

    /// Speed of light (m/s).
    public static let speedOfLight = 299_792_458.0

    // Per-channel work arrays (length = channels).
    private var fitter = StokesIFitter()
    private var lambdaSquared: [Double] = []
    private var q: [Double] = [], u: [Double] = [], dq: [Double] = [], du: [Double] = []
    private var dqu: [Double] = []
    private var weights: [Double] = []
    private var scratch: [Double] = []
    private var scratch2: [Double] = []

    // The synthesis kernel's compacted channels, four to a vector.
    private let kernel = SynthesisKernel()

    // Faraday-depth products of the last synthesis.
    private(set) var axis: FaradayDepthAxis? = nil
    private var fdfReal: [Double] = [], fdfImag: [Double] = []
    private var rmsfReal: [Double] = [], rmsfImag: [Double] = []
    private var frequencies: [Double] = []
    private var peakMeasurer = FDFPeakMeasurer()
    private var sigmaAdd = SigmaAddEstimator()
    private var last: RMSynthesisResult? = nil
    private var geometry = ChannelGeometry(count: 0, lambdaSquaredVariance: 0, lambda0Squared: 0)

    // CLEAN products.
    private var residualReal: [Double] = [], residualImag: [Double] = []
    private var modelReal: [Double] = [], modelImag: [Double] = []
    private var cleanReal: [Double] = [], cleanImag: [Double] = []
    private var residual32Real: [Float] = [], residual32Imag: [Float] = []
    private var model32Real: [Float] = [], model32Imag: [Float] = []
    private var rmsf32Real: [Float] = [], rmsf32Imag: [Float] = []
    private var restoringBeam: [Double] = []
    private var restoringBeamKey: (count: Int, step: Double, fwhm: Double)? = nil
    private var cleaned = false

    public init(settings: RMSynthesisSettings = .pipeline) {
        self.settings = settings
    }

    // MARK: - RM synthesis

    /// Fits Stokes I, forms q = Q/I_model and u = U/I_model, synthesises the FDF and RMSF
    /// and measures the peak, noise, angles and sigma_add, as `rmsynth1d`.
    public func synthesise(_ spectrum: Spectrum) throws(FaradayError) -> RMSynthesisResult {
        last = nil
        cleaned = false
        try settings.validate()
        let n = spectrum.count
        for (name, column) in [("I", spectrum.i), ("Q", spectrum.q), ("U", spectrum.u),
                               ("dI", spectrum.di), ("dQ", spectrum.dq), ("dU", spectrum.du)]
        where column.count != n {
            throw .columnLengthMismatch(expected: n, found: column.count, column: name)
        }
        guard n >= 2 else { throw .tooFewChannels(what: "RM synthesis", usable: n, needed: 2) }
        for c in 0..<n where !(spectrum.frequency[c].isFinite && spectrum.frequency[c] > 0) {
            throw .badFrequency(channel: c, value: spectrum.frequency[c])
        }
        frequencies = spectrum.frequency

        // dQU: median of (dQ + dU) / 2 over finite channels.
        resize(&scratch, n)
        var finite = 0
        for c in 0..<n {
            let v = (spectrum.dq[c] + spectrum.du[c]) / 2
            if v.isFinite { scratch[finite] = v; finite += 1 }
        }
        let dQU = finite > 0 ? scratch.withUnsafeMutableBufferPointer { MedianSelect.median($0.baseAddress!, count: finite) } : .nan

        // Stokes I model and fractional spectra.
        let fit = try fitter.fit(frequency: spectrum.frequency, i: spectrum.i, di: spectrum.di,
                                 order: settings.polyOrder, function: settings.fitFunction)
        resize(&q, n); resize(&u, n); resize(&dq, n); resize(&du, n); resize(&dqu, n)
        resize(&lambdaSquared, n); resize(&weights, n)
        for c in 0..<n {
            let model = fit.model.value(at: spectrum.frequency[c])
            if !settings.allowNonPositiveStokesIModel && !(model > 0) {
                throw .nonPositiveStokesIModel(frequency: spectrum.frequency[c], value: model)
            }
            q[c] = Self.finiteOrNaN(spectrum.q[c] / model)
            u[c] = Self.finiteOrNaN(spectrum.u[c] / model)
            dq[c] = Self.finiteOrNaN(spectrum.dq[c] / model)
            du[c] = Self.finiteOrNaN(spectrum.du[c] / model)
            dqu[c] = Self.finiteOrNaN(abs(dq[c] + du[c]) / 2)
            let lambda = Self.speedOfLight / spectrum.frequency[c]
            lambdaSquared[c] = lambda * lambda
        }

        // Faraday-depth sampling.
        var lo = Double.infinity, hi = -Double.infinity, widestStep = 0.0
        for c in 0..<n {
            lo = min(lo, lambdaSquared[c]); hi = max(hi, lambdaSquared[c])
            if c > 0 { widestStep = max(widestStep, abs(lambdaSquared[c] - lambdaSquared[c - 1])) }
        }
        guard hi > lo else { throw .tooFewChannels(what: "RM synthesis (distinct frequencies)", usable: 1, needed: 2) }
        let fwhm = 3.8 / (hi - lo)
        let dPhi = settings.dPhi ?? fwhm / settings.samplesPerFWHM
        let phiMax = settings.phiMax ?? max(3.0.squareRoot() / widestStep, 10 * fwhm)
        if axis == nil || axis!.step != dPhi || axis!.count != Int(abs(phiMax / dPhi).rounded(.toNearestOrEven)) * 2 + 1 {
            axis = try FaradayDepthAxis(maximum: phiMax, step: dPhi)
        }
        let axis = self.axis!

        // Weights: `weights` as RM-Tools reports them (NaN -> 0); the FDF uses channels with
        // finite q and u, the RMSF channels with finite q.
        var fdfWeightSum = 0.0, rmsfWeightSum = 0.0, weightedLambda = 0.0, usable = 0
        for c in 0..<n {
            var w: Double
            switch settings.weighting {
            case .variance:
                w = 1 / (dqu[c] * dqu[c])
                if w.isInfinite && q[c].isFinite && u[c].isFinite { throw .zeroPolarisationNoise(channel: c) }
            case .uniform:
                w = 1
            }
            if w.isNaN { w = 0 }
            weights[c] = w
            if q[c].isFinite {
                rmsfWeightSum += w
                if u[c].isFinite {
                    fdfWeightSum += w
                    weightedLambda += w * lambdaSquared[c]
                    if w > 0 { usable += 1 }
                }
            }
        }
        guard usable >= 2, fdfWeightSum > 0 else {
            throw .tooFewChannels(what: "RM synthesis", usable: usable, needed: 2)
        }
        let lambda0Squared = weightedLambda / fdfWeightSum
        guard lambda0Squared.isFinite, lambda0Squared > 0 else { throw .nonFinite(quantity: "lambda0^2", value: lambda0Squared) }

        kernel.load(q: q, u: u, weights: weights, lambdaSquared: lambdaSquared, lambda0Squared: lambda0Squared,
                    fdfNorm: 1 / fdfWeightSum, rmsfNorm: 1 / rmsfWeightSum, step: dPhi)
        resize(&fdfReal, axis.count); resize(&fdfImag, axis.count)
        resize(&rmsfReal, axis.rmsfCount); resize(&rmsfImag, axis.rmsfCount)
        kernel.run(count: axis.count, fdfReal: &fdfReal, fdfImag: &fdfImag, rmsfReal: &rmsfReal, rmsfImag: &rmsfImag)

        // Reference frequency, Stokes I there, FDF in flux units.
        let freq0 = Self.speedOfLight / lambda0Squared.squareRoot()
        let stokesI = fit.referenced(to: freq0)
        let iFreq0 = stokesI.model.value(at: freq0)
        guard iFreq0.isFinite, iFreq0 != 0, settings.allowNonPositiveStokesIModel || iFreq0 > 0 else {
            throw .nonPositiveStokesIModel(frequency: freq0, value: iFreq0)
        }
        var allZero = true
        for k in 0..<axis.count {
            fdfReal[k] *= iFreq0; fdfImag[k] *= iFreq0
            if fdfReal[k] != 0 || fdfImag[k] != 0 { allZero = false }
        }
        if allZero { throw .noPolarisedSignal }

        // Theoretical noise (RM-Tools' formula, over all weighted channels).
        var w2s2 = 0.0, wsum = 0.0
        for c in 0..<n {
            let s = dqu[c].isNaN ? 0 : dqu[c]
            w2s2 += weights[c] * weights[c] * s * s
            wsum += weights[c]
        }
        let dFDFth = abs(iFreq0) * (w2s2 / (wsum * wsum)).squareRoot()
        guard dFDFth.isFinite, dFDFth > 0 else { throw .nonFinite(quantity: "theoretical FDF noise dFDFth", value: dFDFth) }

        // lambda^2 statistics over all channels (RM-Tools counts every finite lambda^2).
        var sum = 0.0, sumSquares = 0.0
        for c in 0..<n { sum += lambdaSquared[c]; sumSquares += lambdaSquared[c] * lambdaSquared[c] }
        geometry = ChannelGeometry(count: n, lambdaSquaredVariance: (sumSquares - sum * sum / Double(n)) / Double(n - 1),
                                   lambda0Squared: lambda0Squared)

        let peak = try fdfReal.withUnsafeBufferPointer { re throws(FaradayError) in
            try fdfImag.withUnsafeBufferPointer { im throws(FaradayError) in
                try peakMeasurer.measure(real: re.baseAddress!, imaginary: im.baseAddress!, axis: axis,
                                         fwhm: fwhm, noise: dFDFth, channels: geometry)
            }
        }

        // Channels used, their range and spacing.
        var used = 0, minFrequency = Double.infinity, maxFrequency = -Double.infinity
        for c in 0..<n where weights[c] != 0 && q[c].isFinite {
            used += 1
            minFrequency = min(minFrequency, spectrum.frequency[c])
            maxFrequency = max(maxFrequency, spectrum.frequency[c])
        }
        for c in 1..<n { scratch[c - 1] = spectrum.frequency[c] - spectrum.frequency[c - 1] }
        let medianWidth = scratch.withUnsafeMutableBufferPointer { MedianSelect.median($0.baseAddress!, count: n - 1) }
        let fracPol = peak.amplitudeEffective / iFreq0

        let (sigmaQ, sigmaU, sigmaC) = complexity(fracPol: fracPol, angle0: peak.angle0, rm: peak.phi)

        let result = RMSynthesisResult(
            peak: peak, stokesI: stokesI, iFreq0: iFreq0, lambda0Squared: lambda0Squared, freq0: freq0,
            fwhmRMSF: fwhm, dQU: dQU, dFDFth: dFDFth, minFrequency: minFrequency, maxFrequency: maxFrequency,
            channelCount: used, medianChannelWidth: medianWidth, fractionalPolarisation: fracPol,
            sigmaAddQ: sigmaQ, sigmaAddU: sigmaU, sigmaAddC: sigmaC, axis: axis, fitFunction: settings.fitFunction)
        last = result
        return result
    }

    /// sigma_add of q, u and both, from the residuals after subtracting the Faraday-thin
    /// model p exp(2i (psi0 + RM lambda^2)), in units of their errors.
    private func complexity(fracPol: Double, angle0: Double, rm: Double) -> (SigmaAdd, SigmaAdd, SigmaAdd) {
        let n = q.count
        resize(&scratch, 2 * n); resize(&scratch2, 2 * n)
        let psi0 = angle0 * Double.pi / 180
        for c in 0..<n {
            let angle = 2 * (psi0 + rm * lambdaSquared[c])
            scratch[c] = (q[c] - fracPol * cos(angle)) / dq[c]
            scratch[n + c] = (u[c] - fracPol * sin(angle)) / du[c]
            scratch2[c] = dq[c] / dq[c]
            scratch2[n + c] = du[c] / du[c]
        }
        return scratch.withUnsafeBufferPointer { y in
            scratch2.withUnsafeBufferPointer { dy in
                let sq = sigmaAdd.estimate(y: UnsafeBufferPointer(rebasing: y[0..<n]), dy: UnsafeBufferPointer(rebasing: dy[0..<n]))
                let su = sigmaAdd.estimate(y: UnsafeBufferPointer(rebasing: y[n..<(2 * n)]), dy: UnsafeBufferPointer(rebasing: dy[n..<(2 * n)]))
                let sc = sigmaAdd.estimate(y: UnsafeBufferPointer(rebasing: y[0..<(2 * n)]), dy: UnsafeBufferPointer(rebasing: dy[0..<(2 * n)]))
                return (sq, su, sc)
            }
        }
    }

    // MARK: - RM-CLEAN

    /// Hogbom RM-CLEAN of the FDF from the last ``synthesise(_:)``, as `rmclean1d`: subtract
    /// gain x peak x RMSF at the residual's peak until the peak drops below the cutoff,
    /// restore the components with a Gaussian of the RMSF's FWHM, add the residual and
    /// measure the peak again.
    public func clean(_ settings: RMCleanSettings = .pipeline) throws(FaradayError) -> RMCleanResult {
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
        resize32(&residual32Real, n); resize32(&residual32Imag, n)
        resize32(&model32Real, n); resize32(&model32Imag, n)
        resize32(&rmsf32Real, axis.rmsfCount); resize32(&rmsf32Imag, axis.rmsfCount)
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
    private func hogbom(cutoff: Double, gain: Double, limit: Int, window: [Bool]?, done: Int) -> Int {
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
            // Peak of |residual| (within the window, if any); first index on ties.
            func peak() -> (Int, Float) {
                var k = -1
                var best: Float = -1
                for j in 0..<n where window?[j] ?? true {
                    let a = Self.modulus(rr[j], ri[j])
                    if a > best { best = a; k = j }
                }
                return (k, best)
            }
            var (k, best) = peak()
            while k >= 0 && best >= cutoff32 && iterations < limit {
                let ccr = gain32 * rr[k], cci = gain32 * ri[k]
                mr[k] += ccr; mi[k] += cci
                // RMSF sample for residual j is at index centre + j - k, centre = n.
                let offset = n - k
                for j in 0..<n {
                    let sr = br[offset + j], si = bi[offset + j]
                    rr[j] -= (-(cci * si)).addingProduct(ccr, sr)
                    ri[j] -= (cci * sr).addingProduct(ccr, si)
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
        return big * Float(1).addingProduct(q, q).squareRoot()
    }

    /// clean = components convolved with the restoring Gaussian + residual.
    private func restore(fwhm: Double, axis: FaradayDepthAxis) {
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

    // MARK: - Products

    /// The arrays of the last synthesis, as RM-Tools writes them (`_FDFdirty.dat`,
    /// `_RMSF.dat`, `_weight.dat`); nil before the first successful synthesis.
    public var synthesisProducts: RMSynthesisProducts? {
        guard last != nil, let axis else { return nil }
        return RMSynthesisProducts(phi: axis.values, fdfReal: fdfReal, fdfImag: fdfImag,
                                   rmsfPhi: axis.rmsfValues, rmsfReal: rmsfReal, rmsfImag: rmsfImag,
                                   frequency: frequencies, weight: weights)
    }

    /// The arrays of the last CLEAN (`_FDFclean.dat`, `_FDFmodel.dat`).
    public var cleanProducts: RMCleanProducts? {
        guard cleaned, let axis else { return nil }
        return RMCleanProducts(phi: axis.values, cleanReal: cleanReal, cleanImag: cleanImag,
                               modelReal: modelReal, modelImag: modelImag)
    }

    // MARK: - Helpers

    @inline(__always)
    private static func finiteOrNaN(_ v: Double) -> Double { v.isFinite ? v : .nan }

    private func resize32(_ a: inout [Float], _ n: Int) {
        if a.count != n {
            if a.count > n { a.removeLast(a.count - n) } else { a.append(contentsOf: repeatElement(0, count: n - a.count)) }
        }
    }

    private func resize(_ a: inout [Double], _ n: Int) {
        if a.count != n {
            if a.count > n { a.removeLast(a.count - n) } else { a.append(contentsOf: repeatElement(0, count: n - a.count)) }
        }
    }
}

/// Arrays of one RM synthesis: FDF (Jy/beam) on `phi`, RMSF on `rmsfPhi`, channel weights.
public struct RMSynthesisProducts: Sendable {
    public var phi: [Double]
    public var fdfReal: [Double]
    public var fdfImag: [Double]
    public var rmsfPhi: [Double]
    public var rmsfReal: [Double]
    public var rmsfImag: [Double]
    public var frequency: [Double]
    public var weight: [Double]
}

/// Arrays of one RM-CLEAN: the restored FDF and the clean components on `phi`.
public struct RMCleanProducts: Sendable {
    public var phi: [Double]
    public var cleanReal: [Double]
    public var cleanImag: [Double]
    public var modelReal: [Double]
    public var modelImag: [Double]
}
