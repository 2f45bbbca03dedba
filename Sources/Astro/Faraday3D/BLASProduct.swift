import COpenBLAS
import Foundation
import Synchronization

/// C = A B for split-complex float32 matrices through OpenBLAS: four real products
/// (Cr = Ar Br - Ai Bi, Ci = Ar Bi + Ai Br), row-major, on OpenBLAS's threads.
enum BLASProduct {
    /// OpenBLAS's thread count is process-wide: set it only when it changes, under a lock.
    private static let threadCount = Mutex<Int32>(0)

    static func multiply(m: Int, n: Int, aReal: UnsafePointer<Float>, aImag: UnsafePointer<Float>,
                         bReal: UnsafePointer<Float>, bImag: UnsafePointer<Float>, ldb: Int,
                         cReal: UnsafeMutablePointer<Float>, cImag: UnsafeMutablePointer<Float>, ldc: Int,
                         count: Int, threads: Int) {
        setThreads(threads)
        let (m32, n32, k32) = (Int32(m), Int32(count), Int32(n))
        let (lda, ldb32, ldc32) = (Int32(n), Int32(ldb), Int32(ldc))
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m32, n32, k32, 1, aReal, lda, bReal, ldb32, 0, cReal, ldc32)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m32, n32, k32, -1, aImag, lda, bImag, ldb32, 1, cReal, ldc32)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m32, n32, k32, 1, aReal, lda, bImag, ldb32, 0, cImag, ldc32)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m32, n32, k32, 1, aImag, lda, bReal, ldb32, 1, cImag, ldc32)
    }

    /// C = A B for real float32 matrices (A: m x n, row stride n), `count` columns.
    static func real(m: Int, n: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, ldb: Int,
                     c: UnsafeMutablePointer<Float>, ldc: Int, count: Int, threads: Int) {
        guard m > 0, count > 0 else { return }
        setThreads(threads)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(count), Int32(n), 1, a, Int32(n),
                    b, Int32(ldb), 0, c, Int32(ldc))
    }

    private static func setThreads(_ threads: Int) {
        let wanted = Int32(threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
        threadCount.withLock { current in
            if current != wanted { openblas_set_num_threads(wanted); current = wanted }
        }
    }
}
