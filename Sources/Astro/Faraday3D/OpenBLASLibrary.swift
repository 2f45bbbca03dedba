#if canImport(Glibc)
import Glibc
#endif

/// OpenBLAS, opened the first time a product needs it rather than when arrakis starts.
///
/// It is the largest library arrakis uses: linked at start, its 12,000 symbol bindings
/// were a third of the dynamic loader's work for every command (`arrakis --version`
/// included), and the worker pool it starts as it loads spun on a core for a tenth of a
/// second. Only the OpenBLAS engine of 3-D RM synthesis (`--matrix-product blas`) and the
/// RMSFs of pixels with their own need it; without the library those fall back to the
/// Swift loops.
enum OpenBLASLibrary {
    /// cblas_sgemm(order, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc).
    typealias SGEMM = @convention(c) (Int32, Int32, Int32, Int32, Int32, Int32, Float,
                                      UnsafePointer<Float>?, Int32, UnsafePointer<Float>?, Int32, Float,
                                      UnsafeMutablePointer<Float>?, Int32) -> Void
    static let rowMajor: Int32 = 101   // CblasRowMajor
    static let noTranspose: Int32 = 111   // CblasNoTrans

    /// The library's sgemm, kept to the calling thread (nil: no OpenBLAS on this machine).
    static let sgemm: SGEMM? = {
        for name in ["libopenblas.so.0", "libopenblas.so"] {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL), let symbol = dlsym(handle, "cblas_sgemm") else { continue }
            // One thread: callers split the columns over their own threads, and its idle
            // workers would otherwise spin in sched_yield after every product.
            if let set = dlsym(handle, "openblas_set_num_threads") {
                unsafeBitCast(set, to: (@convention(c) (Int32) -> Void).self)(1)
            }
            if let shutdown = dlsym(handle, "blas_thread_shutdown_") {
                unsafeBitCast(shutdown, to: (@convention(c) () -> Void).self)()
            }
            return unsafeBitCast(symbol, to: SGEMM.self)
        }
        return nil
    }()

    static var isAvailable: Bool { sgemm != nil }
}
