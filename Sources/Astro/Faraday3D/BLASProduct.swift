import Foundation

/// Real and split-complex float32 matrix products through OpenBLAS, on the calling thread
/// (OpenBLAS is kept to one thread: callers split the columns over their own threads with
/// `columnRanges`).
enum BLASProduct {
    /// C = alpha A B + beta C, row-major, no transposes, by OpenBLAS's sgemm
    /// (`OpenBLASLibrary`; callers check `OpenBLASLibrary.isAvailable`).
    private static func sgemm(_ m: Int32, _ n: Int32, _ k: Int32, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int32,
                              _ b: UnsafePointer<Float>, _ ldb: Int32, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int32) {
        OpenBLASLibrary.sgemm!(OpenBLASLibrary.rowMajor, OpenBLASLibrary.noTranspose, OpenBLASLibrary.noTranspose,
                               m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
    }

    /// C = A B for split-complex matrices (Cr = Ar Br - Ai Bi, Ci = Ar Bi + Ai Br), row-major,
    /// `count` columns of B and C.
    static func multiply(m: Int, n: Int, aReal: UnsafePointer<Float>, aImag: UnsafePointer<Float>,
                         bReal: UnsafePointer<Float>, bImag: UnsafePointer<Float>, ldb: Int,
                         cReal: UnsafeMutablePointer<Float>, cImag: UnsafeMutablePointer<Float>, ldc: Int,
                         count: Int) {
        guard m > 0, count > 0 else { return }
        let (m32, n32, k32) = (Int32(m), Int32(count), Int32(n))
        let (lda, ldb32, ldc32) = (Int32(n), Int32(ldb), Int32(ldc))
        sgemm(m32, n32, k32, 1, aReal, lda, bReal, ldb32, 0, cReal, ldc32)
        sgemm(m32, n32, k32, -1, aImag, lda, bImag, ldb32, 1, cReal, ldc32)
        sgemm(m32, n32, k32, 1, aReal, lda, bImag, ldb32, 0, cImag, ldc32)
        sgemm(m32, n32, k32, 1, aImag, lda, bReal, ldb32, 1, cImag, ldc32)
    }

    /// C = A B for real matrices (A: m x n, row stride n), `count` columns.
    static func real(m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, count: Int) {
        guard m > 0, count > 0 else { return }
        sgemm(Int32(m), Int32(count), Int32(n), 1, a, Int32(n), b, Int32(ldb), 0, c, Int32(ldc))
    }

    /// `count` columns in one contiguous range per thread (0 = one per core), each a
    /// multiple of 16 columns but the last.
    static func columnRanges(_ count: Int, threads: Int) -> [Range<Int>] {
        let workers = max(1, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
        let per = ((count + workers - 1) / workers + 15) / 16 * 16
        return stride(from: 0, to: count, by: max(per, 16)).map { $0..<min(count, $0 + max(per, 16)) }
    }
}
