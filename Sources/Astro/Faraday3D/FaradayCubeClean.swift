import Foundation

/// Hogbom RM-CLEAN of every pixel of a slab, as RM-Tools' `rmclean3d` (`do_rmclean_hogbom`
/// and its `RMcleaner`): in complex64 like RM-Tools, from the float32 FDF and RMSF it
/// writes, each pixel whose dirty |F| reaches the cutoff cleaned until the residual peak
/// falls below it or the iteration limit, then (with a window level) again within
/// +/- FWHM/2 of its components down to that level. Clean = sum of gain x peak x Gaussian
/// of the RMSF's FWHM (added per iteration, as RM-Tools) + residual; pixels not cleaned
/// keep their dirty FDF as residual and clean FDF.
extension FaradayCubeSlab {
    public mutating func clean(_ settings: FaradayCubeCleanSettings, channels: FaradayCubeChannels, threads: Int) {
        clean(settings, phi: channels.axis.values.map { Float($0) },
              sharedRMSFReal: channels.rmsfReal.map { Float($0) }, sharedRMSFImag: channels.rmsfImag.map { Float($0) },
              threads: threads)
    }

    /// CLEAN with the Faraday depths `phi` of the FDF and the RMSF (2 phi.count + 1 samples)
    /// of every pixel without its own.
    mutating func clean(_ settings: FaradayCubeCleanSettings, phi: [Float], sharedRMSFReal: [Float], sharedRMSFImag: [Float],
                        threads: Int) {
        let np = pixels, n = phi.count, n2 = sharedRMSFReal.count
        residualReal = fdfReal; residualImag = fdfImag
        cleanReal = fdfReal; cleanImag = fdfImag
        modelReal = [Float](repeating: 0, count: n * np); modelImag = modelReal
        iterations = [Float](repeating: 0, count: np)
        let sharedReal = sharedRMSFReal, sharedImag = sharedRMSFImag
        let fwhm = self.fwhm
        let own = ownRMSFIndex
        let ownReal = ownRMSFReal, ownImag = ownRMSFImag
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let chunk = max(16, (np + workers * 8 - 1) / (workers * 8))
        let chunks = (np + chunk - 1) / chunk
        residualReal.withUnsafeMutableBufferPointer { a in residualImag.withUnsafeMutableBufferPointer { b in
        cleanReal.withUnsafeMutableBufferPointer { c in cleanImag.withUnsafeMutableBufferPointer { d in
        modelReal.withUnsafeMutableBufferPointer { e in modelImag.withUnsafeMutableBufferPointer { f in
        iterations.withUnsafeMutableBufferPointer { g in
            let out = (SharedPointer(a), SharedPointer(b), SharedPointer(c), SharedPointer(d), SharedPointer(e),
                       SharedPointer(f), SharedPointer(g))
            parallelFor(chunks, threads: threads) { chunkIndex in
                var cleaner = PixelCleaner(count: n, phi: phi, fwhm: 0, settings: settings)
                for p in (chunkIndex * chunk)..<min(np, (chunkIndex + 1) * chunk) {
                    cleaner.fwhm = fwhm[p]
                    for k in 0..<n { cleaner.residualReal[k] = out.0.base[k * np + p]; cleaner.residualImag[k] = out.1.base[k * np + p] }
                    let done: Int?
                    if let col = own[p] {
                        done = ownReal.withUnsafeBufferPointer { r in ownImag.withUnsafeBufferPointer { i in
                            cleaner.run(rmsfReal: r.baseAddress! + col * n2, rmsfImag: i.baseAddress! + col * n2, rmsfCount: n2)
                        }}
                    } else {
                        done = sharedReal.withUnsafeBufferPointer { r in sharedImag.withUnsafeBufferPointer { i in
                            cleaner.run(rmsfReal: r.baseAddress!, rmsfImag: i.baseAddress!, rmsfCount: n2)
                        }}
                    }
                    guard let done else { continue }
                    out.6.base[p] = Float(done)
                    for k in 0..<n {
                        out.0.base[k * np + p] = cleaner.residualReal[k]; out.1.base[k * np + p] = cleaner.residualImag[k]
                        out.2.base[k * np + p] = cleaner.cleanReal[k] + cleaner.residualReal[k]
                        out.3.base[k * np + p] = cleaner.cleanImag[k] + cleaner.residualImag[k]
                        out.4.base[k * np + p] = cleaner.modelReal[k]; out.5.base[k * np + p] = cleaner.modelImag[k]
                    }
                }
            }
        }}}}}}}
    }
}

/// One pixel's CLEAN, with its buffers reused from pixel to pixel.
struct PixelCleaner {
    let count: Int
    let phi: [Float]
    var fwhm: Float
    let settings: FaradayCubeCleanSettings
    var residualReal: [Float], residualImag: [Float]
    var cleanReal: [Float], cleanImag: [Float]
    var modelReal: [Float], modelImag: [Float]
    var window: [Bool]

    init(count: Int, phi: [Float], fwhm: Float, settings: FaradayCubeCleanSettings) {
        self.count = count; self.phi = phi; self.fwhm = fwhm; self.settings = settings
        residualReal = [Float](repeating: 0, count: count)
        residualImag = residualReal; cleanReal = residualReal; cleanImag = residualReal
        modelReal = residualReal; modelImag = residualReal
        window = [Bool](repeating: false, count: count)
    }

    /// CLEANs the residual in place; nil if the pixel is not cleaned (its dirty peak is
    /// below the cutoff, or it is flagged), else the iteration count.
    mutating func run(rmsfReal: UnsafePointer<Float>, rmsfImag: UnsafePointer<Float>, rmsfCount: Int) -> Int? {
        let n = count
        // Pixel selection: max |F| with NaN as 0 (numpy's nan_to_num) reaches the cutoff.
        var dirtyPeak: Float = 0
        for k in 0..<n {
            let a = complex32Modulus(residualReal[k].isNaN ? 0 : residualReal[k], residualImag[k].isNaN ? 0 : residualImag[k])
            dirtyPeak = max(dirtyPeak, a)
        }
        guard Double(dirtyPeak) >= settings.cutoff else { return nil }
        for k in 0..<n { cleanReal[k] = 0; cleanImag[k] = 0; modelReal[k] = 0; modelImag[k] = 0 }
        // The RMSF's peak as numpy's argmax orders complex numbers (real part, then imaginary).
        var top = 0
        for s in 1..<rmsfCount where rmsfReal[s] > rmsfReal[top] || (rmsfReal[s] == rmsfReal[top] && rmsfImag[s] > rmsfImag[top]) {
            top = s
        }
        let gain = Float(settings.gain)
        let limit = settings.maxIterations
        var iterations = 0

        func peak(_ inWindow: Bool) -> (Int, Float) {
            var best: Float = -.infinity, k = -1
            for j in 0..<n where !inWindow || window[j] {
                let a = complex32Modulus(residualReal[j], residualImag[j])
                if a.isNaN { return (j, .nan) }
                if a > best { best = a; k = j }
            }
            return (k, best)
        }
        func subtract(at k: Int) {
            let ccr = gain * residualReal[k], cci = gain * residualImag[k]
            modelReal[k] += ccr; modelImag[k] += cci
            // RMSF sample under residual j: (j - k + top) mod (2N+1), numpy's roll.
            let dr = Double(ccr)
            for j in 0..<n {
                var s = j - k + top
                if s < 0 { s += rmsfCount } else if s >= rmsfCount { s -= rmsfCount }
                let sr = rmsfReal[s], si = rmsfImag[s]
                residualReal[j] -= Float(dr * Double(sr) - Double(cci * si))
                residualImag[j] -= Float(dr * Double(si) + Double(cci * sr))
            }
            // Restore gain x peak x Gaussian(FWHM) at phi_k, in float32 as RM-Tools' gauss1D.
            let sigma = fwhm / Float(2 * (2 * log(2.0)).squareRoot())
            let twoSigma2 = 2 * (sigma * sigma)
            let mean = phi[k]
            // Far from the peak the float32 exponential is exactly 0 (below e^-104), so only
            // samples within e^-110 are visited: the same sums, far fewer exponentials.
            let reach = n < 2 ? n : Int((Double(twoSigma2) * 110).squareRoot() / Double(abs(phi[1] - phi[0]))) + 2
            for j in max(0, k - reach)..<min(n, k + reach + 1) {
                let d = phi[j] - mean
                let g = expf(-(d * d) / twoSigma2)
                cleanReal[j] += ccr * g; cleanImag[j] += cci * g
            }
            iterations += 1
        }

        while iterations < limit {
            let (k, best) = peak(false)
            guard k >= 0, Double(best) >= settings.cutoff else { break }
            subtract(at: k)
        }
        // The windowed CLEAN: +/- FWHM/2 (in samples, truncated as Python's int) around
        // every component, with Python's slice rules at the ends.
        if !settings.window.isNaN {
            for j in 0..<n { window[j] = modelReal[j] != 0 || modelImag[j] != 0 }
            let halfWidth = Double(fwhm / (phi[1] - phi[0])) / 2
            for i in 0..<n where modelReal[i] != 0 || modelImag[i] != 0 {
                var start = Int(Double(i) - halfWidth), end = Int(Double(i) + halfWidth)
                if start < 0 { start += n }; if end < 0 { end += n }
                start = min(max(start, 0), n); end = min(max(end, 0), n)
                if start < end { for j in start..<end { window[j] = true } }
            }
            if window.contains(true) {
                while iterations < limit {
                    let (k, best) = peak(true)
                    guard k >= 0, Double(best) >= settings.window else { break }
                    subtract(at: k)
                }
            }
        }
        return iterations
    }
}
