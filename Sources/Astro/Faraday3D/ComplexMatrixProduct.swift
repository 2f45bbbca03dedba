/// C = A B for complex matrices held as separate real and imaginary float32 planes, all
/// row-major: A is m x n (row stride n), B is n x columns (row stride `ldb`), C is m x
/// columns (row stride `ldc`). Only columns `columns` of B and C are touched, so threads
/// can share B and C, each with its own range of columns.
///
/// The heart of 3-D RM synthesis: A holds w_j exp(-2i phi_k (lambda_j^2 - lambda0^2)), B
/// the flagged-to-zero q + iu of each pixel, C the unnormalised FDFs. Blocked so that a
/// panel of A stays in L2 and a 4 x 4 tile of C (16 complex accumulators) stays in
/// registers while one pass runs over the channels.
enum ComplexMatrixProduct {
    typealias V = SIMD4<Float>

    static func multiply(m: Int, n: Int,
                         aReal: UnsafePointer<Float>, aImag: UnsafePointer<Float>,
                         bReal: UnsafePointer<Float>, bImag: UnsafePointer<Float>, ldb: Int,
                         cReal: UnsafeMutablePointer<Float>, cImag: UnsafeMutablePointer<Float>, ldc: Int,
                         columns: Range<Int>) {
        let rowPanel = 32, columnPanel = 128
        var p0 = columns.lowerBound
        while p0 < columns.upperBound {
            let p1 = min(p0 + columnPanel, columns.upperBound)
            var k0 = 0
            while k0 < m {
                let k1 = min(k0 + rowPanel, m)
                var p = p0
                while p + 4 <= p1 {
                    var k = k0
                    while k + 4 <= k1 {
                        tile4x4(k: k, p: p, n: n, aReal, aImag, bReal, bImag, ldb, cReal, cImag, ldc)
                        k += 4
                    }
                    while k < k1 {
                        tile1x4(k: k, p: p, n: n, aReal, aImag, bReal, bImag, ldb, cReal, cImag, ldc)
                        k += 1
                    }
                    p += 4
                }
                while p < p1 {
                    for k in k0..<k1 { scalar(k: k, p: p, n: n, aReal, aImag, bReal, bImag, ldb, cReal, cImag, ldc) }
                    p += 1
                }
                k0 = k1
            }
            p0 = p1
        }
    }

    @inline(__always)
    private static func load(_ p: UnsafePointer<Float>) -> V {
        UnsafeRawPointer(p).loadUnaligned(as: V.self)
    }

    @inline(__always)
    private static func store(_ v: V, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: V.self)
    }

    @inline(__always)
    private static func tile4x4(k: Int, p: Int, n: Int,
                                _ ar: UnsafePointer<Float>, _ ai: UnsafePointer<Float>,
                                _ br: UnsafePointer<Float>, _ bi: UnsafePointer<Float>, _ ldb: Int,
                                _ cr: UnsafeMutablePointer<Float>, _ ci: UnsafeMutablePointer<Float>, _ ldc: Int) {
        var r0 = V.zero, r1 = V.zero, r2 = V.zero, r3 = V.zero
        var i0 = V.zero, i1 = V.zero, i2 = V.zero, i3 = V.zero
        let a0r = ar + k * n, a1r = a0r + n, a2r = a1r + n, a3r = a2r + n
        let a0i = ai + k * n, a1i = a0i + n, a2i = a1i + n, a3i = a2i + n
        var bp = p
        for j in 0..<n {
            let xr = load(br + bp), xi = load(bi + bp)
            bp += ldb
            var er = a0r[j], ei = a0i[j]
            r0 += er * xr - ei * xi; i0 += er * xi + ei * xr
            er = a1r[j]; ei = a1i[j]
            r1 += er * xr - ei * xi; i1 += er * xi + ei * xr
            er = a2r[j]; ei = a2i[j]
            r2 += er * xr - ei * xi; i2 += er * xi + ei * xr
            er = a3r[j]; ei = a3i[j]
            r3 += er * xr - ei * xi; i3 += er * xi + ei * xr
        }
        let c0 = k * ldc + p
        store(r0, cr + c0); store(i0, ci + c0)
        store(r1, cr + c0 + ldc); store(i1, ci + c0 + ldc)
        store(r2, cr + c0 + 2 * ldc); store(i2, ci + c0 + 2 * ldc)
        store(r3, cr + c0 + 3 * ldc); store(i3, ci + c0 + 3 * ldc)
    }

    @inline(__always)
    private static func tile1x4(k: Int, p: Int, n: Int,
                                _ ar: UnsafePointer<Float>, _ ai: UnsafePointer<Float>,
                                _ br: UnsafePointer<Float>, _ bi: UnsafePointer<Float>, _ ldb: Int,
                                _ cr: UnsafeMutablePointer<Float>, _ ci: UnsafeMutablePointer<Float>, _ ldc: Int) {
        var r = V.zero, i = V.zero
        var bp = p
        for j in 0..<n {
            let xr = load(br + bp), xi = load(bi + bp)
            bp += ldb
            let er = ar[k * n + j], ei = ai[k * n + j]
            r += er * xr - ei * xi; i += er * xi + ei * xr
        }
        store(r, cr + k * ldc + p); store(i, ci + k * ldc + p)
    }

    @inline(__always)
    private static func scalar(k: Int, p: Int, n: Int,
                               _ ar: UnsafePointer<Float>, _ ai: UnsafePointer<Float>,
                               _ br: UnsafePointer<Float>, _ bi: UnsafePointer<Float>, _ ldb: Int,
                               _ cr: UnsafeMutablePointer<Float>, _ ci: UnsafeMutablePointer<Float>, _ ldc: Int) {
        var r: Float = 0, i: Float = 0
        for j in 0..<n {
            let xr = br[j * ldb + p], xi = bi[j * ldb + p]
            let er = ar[k * n + j], ei = ai[k * n + j]
            r += er * xr - ei * xi; i += er * xi + ei * xr
        }
        cr[k * ldc + p] = r; ci[k * ldc + p] = i
    }
}
