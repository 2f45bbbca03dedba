#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The inner loops of RM synthesis: for every Faraday depth phi_k = k dPhi,
///
///     F(phi_k)    = K   sum_j w_j (q_j + i u_j) exp(-2i phi_k (lambda_j^2 - lambda0^2))
///     RMSF(phi_k) = K_R sum_j w_j               exp(-2i phi_k (lambda_j^2 - lambda0^2))
///
/// Channels are packed four to a SIMD vector (zero-padded). Instead of a sine and cosine
/// per (phi, channel) pair, each channel keeps a unit phasor that is rotated by its fixed
/// step exp(-2i dPhi (lambda_j^2 - lambda0^2)) once per phi (a complex multiply, exact to
/// ~1e-13 over thousands of steps in double precision). One pass over k >= 0 yields F at
/// +k and -k (from the same phasors and their conjugates) and the Hermitian RMSF at +/-k,
/// so the whole job costs about N/2 + N phasor steps over the channels, no allocation.
struct SynthesisKernel {
    typealias Vector = SIMD4<Double>
    private var a: [Vector] = []      // K w q
    private var b: [Vector] = []      // K w u
    private var w: [Vector] = []      // K_R w (RMSF)
    private var stepReal: [Vector] = []
    private var stepImag: [Vector] = []
    private var phasorReal: [Vector] = []
    private var phasorImag: [Vector] = []
    private var chunks = 0

    /// Packs the channels that carry RMSF weight. FDF channels need finite q and u; RMSF
    /// channels finite q (RM-Tools' masks).
    mutating func load(q: [Double], u: [Double], weights: [Double], lambdaSquared: [Double],
              lambda0Squared: Double, fdfNorm: Double, rmsfNorm: Double, step: Double) {
        var m = 0
        for c in q.indices where q[c].isFinite && weights[c] != 0 { m += 1 }
        chunks = (m + 3) / 4
        for array in [\SynthesisKernel.a, \.b, \.w, \.stepReal, \.stepImag, \.phasorReal, \.phasorImag] as [WritableKeyPath<SynthesisKernel, [Vector]>] {
            if self[keyPath: array].count < chunks {
                self[keyPath: array] = [Vector](repeating: .zero, count: chunks)
            }
        }
        var slot = 0
        for c in q.indices where q[c].isFinite && weights[c] != 0 {
            let chunk = slot >> 2, lane = slot & 3
            let inFDF = u[c].isFinite
            a[chunk][lane] = inFDF ? fdfNorm * weights[c] * q[c] : 0
            b[chunk][lane] = inFDF ? fdfNorm * weights[c] * u[c] : 0
            w[chunk][lane] = rmsfNorm * weights[c]
            let theta = 2 * step * (lambdaSquared[c] - lambda0Squared)
            stepReal[chunk][lane] = cos(theta)
            stepImag[chunk][lane] = -sin(theta)
            slot += 1
        }
        while slot < chunks * 4 {
            let chunk = slot >> 2, lane = slot & 3
            a[chunk][lane] = 0; b[chunk][lane] = 0; w[chunk][lane] = 0
            stepReal[chunk][lane] = 1; stepImag[chunk][lane] = 0
            slot += 1
        }
    }

    /// Fills the FDF (`count` samples, phi = dPhi (k - count/2)) and the RMSF
    /// (`2 count + 1` samples, phi = dPhi (k - count)).
    mutating func run(count: Int, fdfReal: inout [Double], fdfImag: inout [Double],
             rmsfReal: inout [Double], rmsfImag: inout [Double]) {
        let half = count / 2
        let chunks = self.chunks
        for c in 0..<chunks { phasorReal[c] = Vector(repeating: 1); phasorImag[c] = .zero }
        a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
        w.withUnsafeBufferPointer { w in
        stepReal.withUnsafeBufferPointer { sr in
        stepImag.withUnsafeBufferPointer { si in
        phasorReal.withUnsafeMutableBufferPointer { pr in
        phasorImag.withUnsafeMutableBufferPointer { pi in
        fdfReal.withUnsafeMutableBufferPointer { fr in
        fdfImag.withUnsafeMutableBufferPointer { fi in
        rmsfReal.withUnsafeMutableBufferPointer { rr in
        rmsfImag.withUnsafeMutableBufferPointer { ri in
            for k in 0...count {
                var r1 = Vector.zero, r2 = Vector.zero
                if k <= half {
                    var s1 = Vector.zero, s2 = Vector.zero, s3 = Vector.zero, s4 = Vector.zero
                    for c in 0..<chunks {
                        let x = pr[c], y = pi[c]
                        let ac = a[c], bc = b[c], wc = w[c]
                        s1 += ac * x; s2 += bc * y
                        s3 += ac * y; s4 += bc * x
                        r1 += wc * x; r2 += wc * y
                        let xr = sr[c], yr = si[c]
                        pr[c] = x * xr - y * yr
                        pi[c] = x * yr + y * xr
                    }
                    let (t1, t2, t3, t4) = (s1.sum(), s2.sum(), s3.sum(), s4.sum())
                    fr[half + k] = t1 - t2; fi[half + k] = t3 + t4
                    fr[half - k] = t1 + t2; fi[half - k] = t4 - t3
                } else {
                    for c in 0..<chunks {
                        let x = pr[c], y = pi[c]
                        let wc = w[c]
                        r1 += wc * x; r2 += wc * y
                        let xr = sr[c], yr = si[c]
                        pr[c] = x * xr - y * yr
                        pi[c] = x * yr + y * xr
                    }
                }
                let (t1, t2) = (r1.sum(), r2.sum())
                rr[count + k] = t1; ri[count + k] = t2
                rr[count - k] = t1; ri[count - k] = -t2
            }
        }}}}}}}}}}}
    }
}
