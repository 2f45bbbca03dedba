#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything an ``RMSynthesiser`` computes and keeps between calls: per-channel and
/// per-Faraday-depth buffers (reused across spectra) and the last results. A value type, so
/// the loops below touch plain local storage.
struct SynthesisWorkspace {
    // Per-channel work arrays (length = channels).
    var fitter = StokesIFitter()
    var lambdaSquared: [Double] = []
    var q: [Double] = [], u: [Double] = [], dq: [Double] = [], du: [Double] = []
    var dqu: [Double] = []
    var weights: [Double] = []
    var scratch: [Double] = []
    var scratch2: [Double] = []
    var frequencies: [Double] = []

    // The synthesis kernel's compacted channels.
    var kernel = SynthesisKernel()

    // Faraday-depth products of the last synthesis.
    var axis: FaradayDepthAxis? = nil
    var fdfReal: [Double] = [], fdfImag: [Double] = []
    var rmsfReal: [Double] = [], rmsfImag: [Double] = []
    var peakMeasurer = FDFPeakMeasurer()
    var sigmaAdd = SigmaAddEstimator()
    var last: RMSynthesisResult? = nil
    var geometry = ChannelGeometry(count: 0, lambdaSquaredVariance: 0, lambda0Squared: 0)

    // CLEAN buffers and products.
    var residualReal: [Double] = [], residualImag: [Double] = []
    var modelReal: [Double] = [], modelImag: [Double] = []
    var cleanReal: [Double] = [], cleanImag: [Double] = []
    var residual32Real: [Float] = [], residual32Imag: [Float] = []
    var model32Real: [Float] = [], model32Imag: [Float] = []
    var rmsf32Real: [Float] = [], rmsf32Imag: [Float] = []
    var restoringBeam: [Double] = []
    var restoringBeamKey: (count: Int, step: Double, fwhm: Double)? = nil
    var cleaned = false

    mutating func synthesise(_ spectrum: Spectrum, settings: RMSynthesisSettings) throws(FaradayError) -> RMSynthesisResult {
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
            q[c] = finiteOrNaN(spectrum.q[c] / model)
            u[c] = finiteOrNaN(spectrum.u[c] / model)
            dq[c] = finiteOrNaN(spectrum.dq[c] / model)
            du[c] = finiteOrNaN(spectrum.du[c] / model)
            dqu[c] = finiteOrNaN(abs(dq[c] + du[c]) / 2)
            let lambda = RMSynthesiser.speedOfLight / spectrum.frequency[c]
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
        // Spectra with the same channels share an axis: keep the last one if it fits.
        let axis: FaradayDepthAxis
        if let previous = self.axis, previous.step == dPhi,
           previous.count == FaradayDepthAxis.sampleCount(maximum: phiMax, step: dPhi) {
            axis = previous
        } else {
            axis = try FaradayDepthAxis(maximum: phiMax, step: dPhi)
            self.axis = axis
        }

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
        let freq0 = RMSynthesiser.speedOfLight / lambda0Squared.squareRoot()
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
    private mutating func complexity(fracPol: Double, angle0: Double, rm: Double) -> (SigmaAdd, SigmaAdd, SigmaAdd) {
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

    var synthesisProducts: RMSynthesisProducts? {
        guard last != nil, let axis else { return nil }
        return RMSynthesisProducts(phi: axis.values, fdfReal: fdfReal, fdfImag: fdfImag,
                                   rmsfPhi: axis.rmsfValues, rmsfReal: rmsfReal, rmsfImag: rmsfImag,
                                   frequency: frequencies, weight: weights)
    }

    var cleanProducts: RMCleanProducts? {
        guard cleaned, let axis else { return nil }
        return RMCleanProducts(phi: axis.values, cleanReal: cleanReal, cleanImag: cleanImag,
                               modelReal: modelReal, modelImag: modelImag)
    }
}

@inline(__always)
func finiteOrNaN(_ v: Double) -> Double { v.isFinite ? v : .nan }

/// Resizes a work buffer, keeping its storage when it shrinks.
func resize<T: Numeric>(_ a: inout [T], _ n: Int) {
    if a.count > n { a.removeLast(a.count - n) } else if a.count < n { a.append(contentsOf: repeatElement(0, count: n - a.count)) }
}
