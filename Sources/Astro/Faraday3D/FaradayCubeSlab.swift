import Foundation
import Synchronization

/// A slab of pixels (whole rows of the sky grid) through every channel, and everything 3-D
/// RM synthesis and RM-CLEAN make of it. Arrays are plane-major, as FITS stores a cube:
/// `qu[j * pixels + p]` for channel j, `fdf[k * pixels + p]` for Faraday depth k.
public struct FaradayCubeSlab: Sendable {
    public let pixels: Int
    // Inputs: q and u (Q/I and U/I with a Stokes I cube), Stokes Q's own flags (with a
    // Stokes I cube: without one, Q is flagged where q is not finite), I at freq0.
    var q: [Float]
    var u: [Float]
    var qFlagged: [Bool]
    var iFreq0: [Float]?

    /// The dirty FDF (`axis.count` planes).
    public internal(set) var fdfReal: [Float] = []
    public internal(set) var fdfImag: [Float] = []
    /// Pixels whose RMSF is their own (Stokes Q flagged in some but not all pixels of a
    /// channel), their RMSFs (`axis.rmsfCount` samples each, pixel after pixel).
    public internal(set) var ownRMSFPixels: [Int] = []
    public internal(set) var ownRMSFReal: [Float] = []
    public internal(set) var ownRMSFImag: [Float] = []
    /// The RMSF FWHM of every pixel (RMSF_FWHM.fits; the CLEAN's restoring width).
    public internal(set) var fwhm: [Float] = []
    /// Peak maps: RM-Tools' (largest |F| sample and its phi) and the parabola through it.
    public internal(set) var maxPI: [Float] = []
    public internal(set) var peakRM: [Float] = []
    public internal(set) var maxPIFit: [Float] = []
    public internal(set) var peakRMFit: [Float] = []
    /// RM-CLEAN products (empty unless cleaned).
    public internal(set) var cleanReal: [Float] = []
    public internal(set) var cleanImag: [Float] = []
    public internal(set) var modelReal: [Float] = []
    public internal(set) var modelImag: [Float] = []
    public internal(set) var residualReal: [Float] = []
    public internal(set) var residualImag: [Float] = []
    public internal(set) var iterations: [Float] = []

    /// - Parameters:
    ///   - q, u: Stokes Q and U, `channels x pixels`, plane-major.
    ///   - i: Stokes I (same layout) or nil; q and u become Q/I and U/I, and the FDF is
    ///     scaled by I at freq0.
    public init(q: [Float], u: [Float], i: [Float]?, pixels: Int, channels: FaradayCubeChannels) {
        self.pixels = pixels
        if let i {
            qFlagged = q.map { !$0.isFinite }
            self.q = zip(q, i).map { $0 / $1 }
            self.u = zip(u, i).map { $0 / $1 }
            let (a, b) = channels.stokesIChannels
            iFreq0 = (0..<pixels).map { p in Float(0.5 * Double(i[a * pixels + p]) + 0.5 * Double(i[b * pixels + p])) }
        } else {
            self.q = q
            self.u = u
            qFlagged = []
            iFreq0 = nil
        }
    }

    /// A slab of a dirty FDF read back from rmsynth3d's files, to be cleaned: its real and
    /// imaginary planes, each pixel's RMSF FWHM, and the pixels whose RMSF is not the shared
    /// one with theirs (`rmsfCount` samples each, pixel after pixel).
    init(dirtyReal: [Float], dirtyImag: [Float], pixels: Int, fwhm: [Float],
         ownRMSFPixels: [Int], ownRMSFReal: [Float], ownRMSFImag: [Float]) {
        self.pixels = pixels
        q = []; u = []; qFlagged = []; iFreq0 = nil
        fdfReal = dirtyReal; fdfImag = dirtyImag
        self.fwhm = fwhm
        self.ownRMSFPixels = ownRMSFPixels
        self.ownRMSFReal = ownRMSFReal
        self.ownRMSFImag = ownRMSFImag
    }

    /// Whether every value of `a` and `b` is finite, on `threads` threads.
    static func allFinite(_ a: [Float], _ b: [Float], threads: Int) -> Bool {
        let chunk = 1 << 16, count = a.count
        guard count > 0 else { return true }
        let bad = Atomic<Bool>(false)
        a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in
            let (x, y) = (SharedPointer(UnsafeMutablePointer(mutating: ap.baseAddress!)), SharedPointer(UnsafeMutablePointer(mutating: bp.baseAddress!)))
            parallelFor((count + chunk - 1) / chunk, threads: threads) { c in
                guard !bad.load(ordering: .relaxed) else { return }
                // v - v is 0 for a finite v and NaN otherwise (a loop without branches).
                var sum: Float = 0
                for i in (c * chunk)..<min(count, (c + 1) * chunk) { sum += (x.base[i] - x.base[i]) + (y.base[i] - y.base[i]) }
                if sum != 0 { bad.store(true, ordering: .relaxed) }
            }
        }}
        return !bad.load(ordering: .relaxed)
    }

    /// Bytes held per pixel by a slab through synthesis (and CLEAN): what sizes slabs.
    public static func bytesPerPixel(channels: Int, phi: Int, stokesI: Bool, clean: Bool) -> Int {
        let input = channels * (4 * (stokesI ? 3 : 2) + 1) + channels * 8   // Q, U, (I), flags, packed data
        let fdf = phi * 8
        let cleaning = clean ? phi * 8 * 3 + 2 * phi * 4 + (2 * phi + 1) * 8 : 0
        return input + fdf + cleaning + 32
    }

    /// Synthesises the FDF of every pixel, the RMSFs of pixels that need their own and the
    /// peak maps, on `threads` threads.
    public mutating func synthesise(_ channels: FaradayCubeChannels, matrix: FaradaySynthesisMatrix, threads: Int) {
        let n = channels.count, np = pixels, nPhi = channels.axis.count
        // Every product engine writes every value: the planes need their pages, not zeros.
        var planes = prefaultedFloats(arrays: 2, count: nPhi * np, zeroed: false, threads: threads)
        fdfImag = planes.removeLast(); fdfReal = planes.removeLast()
        maxPI = [Float](repeating: .nan, count: np); peakRM = maxPI; maxPIFit = maxPI; peakRMFit = maxPI
        fwhm = [Float](repeating: Float(channels.sharedFWHM), count: np)
        // Flagged samples become 0; K_p = 1 / sum of the weights of the pixel's good channels;
        // pixels whose Q flags differ from the whole-plane flags get their own RMSF. Chunks
        // of pixels on every thread, each walking the planes in storage order.
        // Every sample finite (the usual case): the data go to the product as they are.
        let allFinite = Self.allFinite(q, u, threads: threads)
        var dr: [Float] = [], di: [Float] = []
        var norm = [Double](repeating: 0, count: np)
        var ownFlag = [Bool](repeating: false, count: np)
        if allFinite {
            let sum = (0..<n).reduce(0.0) { $0 + channels.weights[$1] }
            for p in 0..<np { norm[p] = sum }
        } else {
            dr = prefaultedFloats(count: n * np); di = prefaultedFloats(count: n * np)
            let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
            let chunk = max(256, (np + workers * 4 - 1) / (workers * 4))
            let (q, u, qFlags) = (self.q, self.u, self.qFlagged)
            dr.withUnsafeMutableBufferPointer { drp in di.withUnsafeMutableBufferPointer { dip in
            norm.withUnsafeMutableBufferPointer { np_ in ownFlag.withUnsafeMutableBufferPointer { op in
                let out = (SharedPointer(drp), SharedPointer(dip), SharedPointer(np_), SharedPointer(op))
                parallelFor((np + chunk - 1) / chunk, threads: threads) { c in
                    let range = (c * chunk)..<min(np, (c + 1) * chunk)
                    for j in 0..<n {
                        let w = channels.weights[j], planeFlagged = channels.flaggedQPlanes[j], row = j * np
                        for p in range {
                            let a = q[row + p], b = u[row + p]
                            if a.isFinite && b.isFinite { out.0.base[row + p] = a; out.1.base[row + p] = b; out.2.base[p] += w }
                            let qBad = qFlags.isEmpty ? !a.isFinite : qFlags[row + p]
                            if !planeFlagged && qBad { out.3.base[p] = true }
                        }
                    }
                }
            }}}}
        }
        let own = (0..<np).filter { ownFlag[$0] }
        ownRMSFPixels = own

        // The matrix product over every pixel, then per pixel: x K_p (x I at freq0), NaN
        // where nothing is left, and the peak, walking the planes in storage order.
        (allFinite ? q : dr).withUnsafeBufferPointer { drp in (allFinite ? u : di).withUnsafeBufferPointer { dip in
        fdfReal.withUnsafeMutableBufferPointer { frp in fdfImag.withUnsafeMutableBufferPointer { fip in
            matrix.multiplyFDF(q: drp.baseAddress!, u: dip.baseAddress!, ldb: np, c: (frp.baseAddress!, fip.baseAddress!), ldc: np,
                               count: np, threads: threads)
        }}}}
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let chunk = max(64, (np + workers * 4 - 1) / (workers * 4))
        let chunks = (np + chunk - 1) / chunk
        let axisValues = channels.axis.values
        let iFreq0 = self.iFreq0
        let normalised = norm
        let scaleDouble: [Double] = norm.map { w in w > 0 ? (channels.float32Weights ? Double(1 / Float(w)) : 1 / w) : 0 }
        fdfReal.withUnsafeMutableBufferPointer { frp in fdfImag.withUnsafeMutableBufferPointer { fip in
        maxPI.withUnsafeMutableBufferPointer { mp in peakRM.withUnsafeMutableBufferPointer { rp in
        maxPIFit.withUnsafeMutableBufferPointer { mfp in peakRMFit.withUnsafeMutableBufferPointer { rfp in
        scaleDouble.withUnsafeBufferPointer { sdp in
            let (fr, fi) = (SharedPointer(frp), SharedPointer(fip))
            let scales = SharedPointer(UnsafeMutablePointer(mutating: sdp.baseAddress!))
            let (maps, rms, mapsFit, rmsFit) = (SharedPointer(mp), SharedPointer(rp), SharedPointer(mfp), SharedPointer(rfp))
            parallelFor(chunks, threads: threads) { c in
                let p0 = c * chunk, p1 = min(np, (c + 1) * chunk), w = p1 - p0
                let fr = fr.base, fi = fi.base, scale = scales.readOnly + p0
                var amplitudes = [Float](repeating: 0, count: w)
                var best = [Float](repeating: -1, count: w)
                var where_ = [Int](repeating: -1, count: w)
                var nonZero = [Bool](repeating: false, count: w)
                var sawNaN = [Bool](repeating: false, count: w)
                let iScale: [Float]? = iFreq0.map { Array($0[p0..<p1]) }
                for k in 0..<nPhi {
                    let re = fr + k * np + p0, im = fi + k * np + p0
                    for i in 0..<w {
                        re[i] = Float(Double(re[i]) * scale[i]); im[i] = Float(Double(im[i]) * scale[i])
                    }
                    if let iScale { for i in 0..<w { re[i] *= iScale[i]; im[i] *= iScale[i] } }
                    amplitudes.withUnsafeMutableBufferPointer { complex32Moduli(re, im, into: $0.baseAddress!, count: w) }
                    for i in 0..<w {
                        if re[i] != 0 || im[i] != 0 { nonZero[i] = true }
                        let a = amplitudes[i]
                        if a > best[i] { best[i] = a; where_[i] = k } else if a.isNaN { sawNaN[i] = true }
                    }
                }
                for p in p0..<p1 {
                    let i = p - p0
                    if !nonZero[i] || normalised[p] == 0 {
                        for k in 0..<nPhi { fr[k * np + p] = .nan; fi[k * np + p] = .nan }
                        continue
                    }
                    if sawNaN[i] || where_[i] < 0 { continue }   // NaN maps (an undefined I at freq0)
                    FaradayPeakMap.refine(real: fr + p, imag: fi + p, stride: np, count: nPhi, phi: axisValues,
                                          peak: where_[i], amplitude: best[i],
                                          maxPI: &maps.base[p], peakRM: &rms.base[p],
                                          maxPIFit: &mapsFit.base[p], peakRMFit: &rmsFit.base[p])
                }
            }
        }}}}}}}
        if !own.isEmpty { synthesiseOwnRMSFs(channels, matrix: matrix, threads: threads) }
    }

    /// RMSF_p = K_p sum_j w_j [Q_jp good] exp(-2i phi (lambda_j^2 - lambda0^2)) for the
    /// pixels that need their own, as one matrix product over those pixels.
    private mutating func synthesiseOwnRMSFs(_ channels: FaradayCubeChannels, matrix: FaradaySynthesisMatrix, threads: Int) {
        let n = channels.count, np = pixels, m = ownRMSFPixels.count, n2 = channels.axis.rmsfCount
        var br = [Float](repeating: 0, count: n * m)
        var norm = [Double](repeating: 0, count: m)
        for (col, p) in ownRMSFPixels.enumerated() {
            for j in 0..<n where !(qFlagged.isEmpty ? !q[j * np + p].isFinite : qFlagged[j * np + p]) && !channels.flaggedQPlanes[j] {
                br[j * m + col] = 1; norm[col] += channels.weights[j]
            }
        }
        var cr = [Float](repeating: 0, count: n2 * m), ci = cr
        let rmsf = FaradaySynthesisMatrix.rmsf(channels, engine: matrix.engine)
        rmsf.multiplyReal(b: br, ldb: m, cReal: &cr, cImag: &ci, ldc: m, count: m, threads: threads)
        // Pixel after pixel, scaled by K_p (0 for a pixel flagged everywhere, as RM-Tools).
        ownRMSFReal = [Float](repeating: 0, count: n2 * m)
        ownRMSFImag = ownRMSFReal
        for col in 0..<m {
            let k = norm[col] > 0 ? (channels.float32Weights ? Double(1 / Float(norm[col])) : 1 / norm[col]) : 0
            for s in 0..<n2 {
                ownRMSFReal[col * n2 + s] = Float(Double(cr[s * m + col]) * k)
                ownRMSFImag[col * n2 + s] = Float(Double(ci[s * m + col]) * k)
            }
        }
        // rmsynth3d -t: each of these pixels' own RMSF fitted (|RMSF| in float32, as RM-Tools'
        // per-pixel RMSFs are complex64); the analytical FWHM where the fit fails.
        if channels.fitRMSF {
            let phi2 = channels.axis.rmsfValues
            for (col, p) in ownRMSFPixels.enumerated() {
                let amplitude = (0..<n2).map { Double(complex32Modulus(ownRMSFReal[col * n2 + $0], ownRMSFImag[col * n2 + $0])) }
                fwhm[p] = Float(RMSFLobeFit.fwhm(phi: phi2, amplitude: amplitude) ?? channels.fwhm)
            }
        }
    }

    /// The RMSF of pixel `p` (its own, or the shared one) as float32, `axis.rmsfCount` samples.
    func rmsf(of p: Int, channels: FaradayCubeChannels, sharedReal: [Float], sharedImag: [Float]) -> (ArraySlice<Float>, ArraySlice<Float>) {
        let n2 = channels.axis.rmsfCount
        if let col = ownRMSFIndex[p] {
            return (ownRMSFReal[(col * n2)..<((col + 1) * n2)], ownRMSFImag[(col * n2)..<((col + 1) * n2)])
        }
        return (sharedReal[...], sharedImag[...])
    }

    var ownRMSFIndex: [Int: Int] {
        Dictionary(uniqueKeysWithValues: ownRMSFPixels.enumerated().map { ($1, $0) })
    }
}

