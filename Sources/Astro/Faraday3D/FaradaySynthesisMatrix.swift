import Dispatch
import Foundation
import Synchronization

/// How the products of 3-D RM synthesis are computed.
public enum MatrixProductEngine: String, Sendable, CaseIterable {
    /// The FDF by a non-uniform FFT (`FaradayNonUniformSynthesis`, FFTW); the RMSFs of
    /// pixels with their own, and axes too coarse for its grid, by OpenBLAS.
    case nufft
    /// OpenBLAS (sgemm on the real and imaginary planes, on our threads), loaded when first used.
    case blas
    /// Blocked Swift loops (`ComplexMatrixProduct`), columns split over threads.
    case swift
}

/// The matrix of a synthesis, w_j exp(-2i phi_k (lambda_j^2 - lambda0^2)) for every
/// Faraday depth k (rows) and channel j (columns), in float32 planes; with the `nufft`
/// engine, the transform that replaces its product (the planes are then not made).
public struct FaradaySynthesisMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    /// The engine in use: `nufft` falls back to `blas` where the transform cannot be made,
    /// `blas` to `swift` where OpenBLAS is not installed.
    public let engine: MatrixProductEngine
    let real: [Float]
    let imag: [Float]
    let transform: FaradayNonUniformSynthesis?

    /// The FDF's matrix (rows: the FDF's Faraday depths).
    public init(_ channels: FaradayCubeChannels, engine: MatrixProductEngine = .blas) {
        self.init(channels, phi: channels.axis.values, engine: engine)
    }

    init(_ channels: FaradayCubeChannels, phi: [Double], engine: MatrixProductEngine) {
        rows = phi.count
        columns = channels.count
        if engine == .nufft, phi.count == channels.axis.count,
           let t = FaradayNonUniformSynthesis(lambdaSquaredOffsets: channels.lambdaSquared.map { $0 - channels.lambda0Squared },
                                              weights: channels.weights, step: channels.axis.step, modes: phi.count) {
            transform = t
            self.engine = .nufft
            (real, imag) = ([], [])
        } else {
            transform = nil
            // The non-uniform FFT's fallback is OpenBLAS; OpenBLAS's, where the library is
            // missing, the Swift loops.
            let products = engine == .nufft ? MatrixProductEngine.blas : engine
            self.engine = products == .blas && !OpenBLASLibrary.isAvailable ? .swift : products
            (real, imag) = channels.synthesisMatrix(phi: phi)
        }
    }

    /// The RMSF's matrix (rows: the RMSF's 2N+1 Faraday depths; products by OpenBLAS for
    /// the `nufft` engine).
    static func rmsf(_ channels: FaradayCubeChannels, engine: MatrixProductEngine) -> FaradaySynthesisMatrix {
        FaradaySynthesisMatrix(channels, phi: channels.axis.rmsfValues, engine: engine == .nufft ? .blas : engine)
    }

    /// c[:, range] = self . b[:, range], b `columns` rows of `ldb` floats per plane, c `rows`
    /// rows of `ldc`, on `threads` threads (0 = every core).
    func multiply(b: (UnsafePointer<Float>, UnsafePointer<Float>), ldb: Int,
                  c: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), ldc: Int, columns range: Range<Int>,
                  threads: Int, engine: MatrixProductEngine) {
        guard !range.isEmpty, rows > 0, columns > 0 else { return }
        real.withUnsafeBufferPointer { ar in
            imag.withUnsafeBufferPointer { ai in
                switch engine {
                case .blas, .nufft:
                    let (ar, ai) = (SharedPointer(UnsafeMutablePointer(mutating: ar.baseAddress!)),
                                    SharedPointer(UnsafeMutablePointer(mutating: ai.baseAddress!)))
                    let shared = (SharedPointer(UnsafeMutablePointer(mutating: b.0)), SharedPointer(UnsafeMutablePointer(mutating: b.1)),
                                  SharedPointer(c.0), SharedPointer(c.1))
                    let parts = BLASProduct.columnRanges(range.count, threads: threads)
                    let (m, n, first) = (rows, columns, range.lowerBound)
                    parallelFor(parts.count, threads: threads) { i in
                        let lo = first + parts[i].lowerBound
                        BLASProduct.multiply(m: m, n: n, aReal: ar.readOnly, aImag: ai.readOnly,
                                             bReal: shared.0.readOnly + lo, bImag: shared.1.readOnly + lo, ldb: ldb,
                                             cReal: shared.2.base + lo, cImag: shared.3.base + lo, ldc: ldc,
                                             count: parts[i].count)
                    }
                case .swift:
                    let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
                    let chunk = max(64, (range.count + workers * 4 - 1) / (workers * 4))
                    let chunks = (range.count + chunk - 1) / chunk
                    let shared = (SharedPointer(UnsafeMutablePointer(mutating: ar.baseAddress!)),
                                  SharedPointer(UnsafeMutablePointer(mutating: ai.baseAddress!)),
                                  SharedPointer(UnsafeMutablePointer(mutating: b.0)), SharedPointer(UnsafeMutablePointer(mutating: b.1)),
                                  SharedPointer(c.0), SharedPointer(c.1))
                    let (m, n) = (rows, columns)
                    parallelFor(chunks, threads: threads) { i in
                        let lo = range.lowerBound + i * chunk
                        ComplexMatrixProduct.multiply(m: m, n: n, aReal: shared.0.readOnly, aImag: shared.1.readOnly,
                                                      bReal: shared.2.readOnly, bImag: shared.3.readOnly, ldb: ldb,
                                                      cReal: shared.4.base, cImag: shared.5.base, ldc: ldc,
                                                      columns: lo..<min(range.upperBound, lo + chunk))
                    }
                }
            }
        }
    }

    /// c = self . b for a real b (the RMSF's product over a mask of weights): two real
    /// products with OpenBLAS, the complex product (imaginary part zero) with the Swift loops.
    func multiplyReal(b: [Float], ldb: Int, cReal: inout [Float], cImag: inout [Float], ldc: Int, count: Int, threads: Int) {
        b.withUnsafeBufferPointer { bp in
            cReal.withUnsafeMutableBufferPointer { c0 in
                cImag.withUnsafeMutableBufferPointer { c1 in
                    if engine != .swift {
                        real.withUnsafeBufferPointer { ar in
                            imag.withUnsafeBufferPointer { ai in
                                let pointers = (SharedPointer(UnsafeMutablePointer(mutating: ar.baseAddress!)),
                                                SharedPointer(UnsafeMutablePointer(mutating: ai.baseAddress!)),
                                                SharedPointer(UnsafeMutablePointer(mutating: bp.baseAddress!)),
                                                SharedPointer(c0.baseAddress!), SharedPointer(c1.baseAddress!))
                                let parts = BLASProduct.columnRanges(count, threads: threads)
                                let (m, n) = (rows, columns)
                                parallelFor(parts.count, threads: threads) { i in
                                    let lo = parts[i].lowerBound, k = parts[i].count
                                    BLASProduct.real(m: m, n: n, a: pointers.0.readOnly, b: pointers.2.readOnly + lo, ldb: ldb,
                                                     c: pointers.3.base + lo, ldc: ldc, count: k)
                                    BLASProduct.real(m: m, n: n, a: pointers.1.readOnly, b: pointers.2.readOnly + lo, ldb: ldb,
                                                     c: pointers.4.base + lo, ldc: ldc, count: k)
                                }
                            }
                        }
                    } else {
                        let zero = [Float](repeating: 0, count: b.count)
                        zero.withUnsafeBufferPointer { z in
                            multiply(b: (bp.baseAddress!, z.baseAddress!), ldb: ldb, c: (c0.baseAddress!, c1.baseAddress!), ldc: ldc,
                                     columns: 0..<count, threads: threads, engine: engine)
                        }
                    }
                }
            }
        }
    }

    /// The FDF's product, c = self . (q + i u), for a matrix whose Faraday depths are
    /// symmetric about its centre row h (phi_{h-m} = -phi_{h+m}, as every FDF axis): since q
    /// and u are real, Q(phi) = sum w q e^{-2i phi a} has Q(-phi) = conj Q(phi), so four real
    /// products over half the rows give every row (half the work of the complex product):
    /// with Cx = sum w cos(2 phi a) x and Sx = sum w sin(2 phi a) x at phi = phi_{h+m} >= 0,
    /// F(+-phi) = (Cq +- Su) + i (Cu -+ Sq). OpenBLAS only; the Swift loops do the complex product.
    func multiplyFDF(q: UnsafePointer<Float>, u: UnsafePointer<Float>, ldb: Int,
                     c: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), ldc: Int, count: Int, threads: Int) {
        if let transform {
            transform.synthesise(q: q, u: u, ldb: ldb, c: c, ldc: ldc, count: count, threads: threads)
            return
        }
        guard engine == .blas, rows % 2 == 1 else {
            multiply(b: (q, u), ldb: ldb, c: c, ldc: ldc, columns: 0..<count, threads: threads, engine: engine)
            return
        }
        let h = rows / 2, n = columns
        // Each thread: the four products over its columns, then the combination of its columns.
        real.withUnsafeBufferPointer { ar in
            imag.withUnsafeBufferPointer { ai in
                let pointers = (SharedPointer(UnsafeMutablePointer(mutating: ar.baseAddress!)),
                                SharedPointer(UnsafeMutablePointer(mutating: ai.baseAddress!)),
                                SharedPointer(UnsafeMutablePointer(mutating: q)), SharedPointer(UnsafeMutablePointer(mutating: u)),
                                SharedPointer(c.0), SharedPointer(c.1))
                let parts = BLASProduct.columnRanges(count, threads: threads)
                parallelFor(parts.count, threads: threads) { i in
                    let lo = parts[i].lowerBound, k = parts[i].count
                    let (q, u) = (pointers.2.readOnly + lo, pointers.3.readOnly + lo)
                    let (re, im) = (pointers.4.base + lo, pointers.5.base + lo)
                    // Rows h...2h: Cq into the real plane, Cu into the imaginary plane. Rows 0..<h:
                    // the imaginary part of the matrix there is -w sin(2 phi_i a) = w sin(2 phi_{2h-i} a),
                    // so Su (for m = h - i) into the real plane, Sq into the imaginary plane.
                    let upperA = pointers.0.readOnly + h * n, lowerA = pointers.1.readOnly
                    BLASProduct.real(m: h + 1, n: n, a: upperA, b: q, ldb: ldb, c: re + h * ldc, ldc: ldc, count: k)
                    BLASProduct.real(m: h + 1, n: n, a: upperA, b: u, ldb: ldb, c: im + h * ldc, ldc: ldc, count: k)
                    BLASProduct.real(m: h, n: n, a: lowerA, b: u, ldb: ldb, c: re, ldc: ldc, count: k)
                    BLASProduct.real(m: h, n: n, a: lowerA, b: q, ldb: ldb, c: im, ldc: ldc, count: k)
                    guard h >= 1 else { return }
                    for m in 1...h {
                        let up = (h + m) * ldc, down = (h - m) * ldc
                        for p in 0..<k {
                            let cq = re[up + p], cu = im[up + p], su = re[down + p], sq = im[down + p]
                            re[up + p] = cq + su; im[up + p] = cu - sq
                            re[down + p] = cq - su; im[down + p] = cu + sq
                        }
                    }
                }
            }
        }
    }
}

/// A pointer into a buffer that concurrent iterations write at distinct indices.
struct SharedPointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ buffer: UnsafeMutableBufferPointer<T>) { base = buffer.baseAddress! }
    init(_ pointer: UnsafeMutablePointer<T>) { base = pointer }
    var readOnly: UnsafePointer<T> { UnsafePointer(base) }
}

/// Runs `body(i)` for i in 0..<count on up to `threads` threads (0 = one per core), each
/// thread taking the next index as it finishes one.
func parallelFor(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
    guard count > 0 else { return }
    let workers = min(count, threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount)
    if workers <= 1 {
        for i in 0..<count { body(i) }
        return
    }
    let next = Atomic<Int>(0)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let i = next.add(1, ordering: .relaxed).oldValue
            guard i < count else { return }
            body(i)
        }
    }
}

/// `parallelFor` for a body that throws: every index runs, then the first error is thrown.
func parallelForThrowing(_ count: Int, threads: Int, _ body: @Sendable (Int) throws -> Void) throws {
    let failure = Mutex<Error?>(nil)
    parallelFor(count, threads: threads) { i in
        do { try body(i) } catch { failure.withLock { if $0 == nil { $0 = error } } }
    }
    if let error = failure.withLock({ $0 }) { throw error }
}

/// Commits created files side by side (`sync: false`: renames, no fsync each).
func commitConcurrently(_ files: [FITSImageStream], threads: Int) throws {
    try parallelForThrowing(files.count, threads: threads) { try files[$0].commit(sync: false) }
}
