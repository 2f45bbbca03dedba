import CFFTW
import CKernels
import Foundation
import Synchronization

/// The dirty FDF of many pixels by a non-uniform FFT (type 1) instead of a matrix product.
///
/// On an FDF axis phi_k = (k - c) dphi (c the centre sample), the synthesis
/// F_k = sum_j w_j P_j exp(-2i phi_k a_j), a_j = lambda_j^2 - lambda0^2, is
/// sum_j w_j P_j exp(-i k' t_j) with k' = k - c and t_j = 2 dphi a_j: a trigonometric sum
/// over uniform modes k' at non-uniform "times" t_j. Each pixel's weighted samples are
/// spread onto a uniform grid of M cells over 2 pi with the exponential-of-semicircle kernel
/// (each sample over `width` cells), the grid is Fourier transformed (FFTW, single
/// precision), and mode k' is divided by the kernel's transform. The times are shifted by a
/// common tau so that every sample's cells lie inside the grid (no wrap-around); the shift
/// is undone by a phase exp(i k' tau) per mode.
///
/// Cost per pixel: n W spreading steps and one FFT of M points (M the power of two at least
/// 2N), against 4 n N multiply-adds for the matrix product: for 288 channels and 837 depths,
/// a fifth of the time. The FDF differs from the direct sum by ~1e-7 of the sum of |w_j P_j|
/// (the kernel of width 8 and a grid at least twice the modes give 10^-7; float32 does the rest).
/// The phi_k are exact multiples of dphi here; RM-Tools (and the matrix products) use them
/// rounded to float32, which moves a sample at |phi| = 5000 rad/m^2 by up to 2.4e-4 rad/m^2.
final class FaradayNonUniformSynthesis: @unchecked Sendable {
    /// Pixels transformed together (one FFTW call).
    static let batch = 16
    let modes: Int
    let channels: Int
    let gridSize: Int
    let kernel: ExponentialSemicircleKernel
    /// Per channel: the first grid cell its sample is spread over, and `width` weights
    /// (the channel's weight w_j times the kernel at each cell).
    private let firstCell: [Int32]
    private let spread: [Float]
    /// Grid cells any sample touches (zeroed before each batch; the others stay zero).
    private let touched: Range<Int>
    /// Per FDF sample k: the grid cell holding mode k', and exp(i k' tau) / psi-hat(k').
    private let modeCell: [Int32]
    private let correctionReal: [Float]
    private let correctionImag: [Float]
    private let plan: FFTWSplitPlan

    /// - Parameters:
    ///   - lambdaSquaredOffsets: a_j = lambda_j^2 - lambda0^2, per channel.
    ///   - weights: w_j, per channel (0 for a flagged plane).
    ///   - step: dphi; the axis has `modes` (odd) samples centred on zero.
    /// Nil when the samples span more than the grid can hold without wrapping (a step so
    /// coarse that 2 dphi (max a - min a) nearly reaches 2 pi); the caller then multiplies.
    init?(lambdaSquaredOffsets a: [Double], weights: [Double], step: Double, modes: Int, kernelWidth: Int = 8) {
        precondition(a.count == weights.count && modes % 2 == 1)
        self.modes = modes
        channels = a.count
        kernel = ExponentialSemicircleKernel(width: kernelWidth)
        var m = 16
        while m < 2 * modes { m *= 2 }
        gridSize = m
        let h = 2 * Double.pi / Double(m), w = kernelWidth
        let t = a.map { 2 * step * $0 }
        guard let lo = t.min(), let hi = t.max(), hi - lo + Double(w + 2) * h < 2 * Double.pi else { return nil }
        let tau = Double.pi - (lo + hi) / 2
        var first = [Int32](repeating: 0, count: channels), weightsPerCell = [Float](repeating: 0, count: channels * w)
        for j in 0..<channels {
            let u = (t[j] + tau) / h                                  // position in cells
            let f = Int((u - Double(w) / 2).rounded(.up))
            first[j] = Int32(f)
            for c in 0..<w {
                weightsPerCell[j * w + c] = Float(weights[j] * kernel.value((Double(f + c) - u) / (Double(w) / 2)))
            }
        }
        firstCell = first
        spread = weightsPerCell
        touched = Int(first.min() ?? 0)..<(Int(first.max() ?? 0) + w)
        precondition(touched.lowerBound >= 0 && touched.upperBound <= m)
        let centre = modes / 2
        let shifted = (0..<modes).map { Double($0 - centre) }
        let psiHat = kernel.fourierTransform(at: shifted.map { $0 * h * Double(w) / 2 }).map { $0 * Double(w) / 2 }
        modeCell = (0..<modes).map { Int32(($0 - centre + m) % m) }
        correctionReal = (0..<modes).map { Float(cos(shifted[$0] * tau) / psiHat[$0]) }
        correctionImag = (0..<modes).map { Float(sin(shifted[$0] * tau) / psiHat[$0]) }
        plan = FFTWSplitPlan(size: m, batch: Self.batch)
    }

    /// F[k * ldc + p] for the `count` pixels p of q and u (`channels` planes of `ldb`), on
    /// `threads` threads (0 = every core).
    func synthesise(q: UnsafePointer<Float>, u: UnsafePointer<Float>, ldb: Int,
                    c: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), ldc: Int, count: Int, threads: Int) {
        guard count > 0 else { return }
        let workers = threads > 0 ? threads : ProcessInfo.processInfo.activeProcessorCount
        let b = Self.batch
        let batches = (count + b - 1) / b
        let per = max(1, (batches + workers * 4 - 1) / (workers * 4))
        let pointers = (SharedPointer(UnsafeMutablePointer(mutating: q)), SharedPointer(UnsafeMutablePointer(mutating: u)),
                        SharedPointer(c.0), SharedPointer(c.1))
        parallelFor((batches + per - 1) / per, threads: threads) { chunk in
            let buffers = FFTWSplitPlan.Buffers(plan: self.plan)
            for batch in (chunk * per)..<min(batches, (chunk + 1) * per) {
                let p0 = batch * b, n = min(b, count - p0)
                self.spreadBatch(q: pointers.0.readOnly + p0, u: pointers.1.readOnly + p0, ldb: ldb, pixels: n, into: buffers)
                self.plan.execute(buffers)
                self.correctBatch(buffers, pixels: n, into: (pointers.2.base + p0, pointers.3.base + p0), ldc: ldc)
            }
        }
    }

    /// Grid of pixel i = cells [i stride, i stride + M) of the input planes.
    private func spreadBatch(q: UnsafePointer<Float>, u: UnsafePointer<Float>, ldb: Int, pixels: Int,
                             into buffers: FFTWSplitPlan.Buffers) {
        let stride = plan.stride
        for i in 0..<Self.batch {
            (buffers.inReal + i * stride + touched.lowerBound).update(repeating: 0, count: touched.count)
            (buffers.inImag + i * stride + touched.lowerBound).update(repeating: 0, count: touched.count)
        }
        arrakis_nufft_spread(q, u, ldb, pixels, channels, firstCell, spread, kernel.width,
                             buffers.inReal, buffers.inImag, stride)
    }

    /// The modes of each transformed grid, corrected, into the FDF planes.
    private func correctBatch(_ buffers: FFTWSplitPlan.Buffers, pixels: Int,
                              into c: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), ldc: Int) {
        arrakis_nufft_gather(buffers.outReal, buffers.outImag, plan.stride, pixels, modeCell,
                             correctionReal, correctionImag, modes, c.0, c.1, ldc)
    }
}

/// An FFTW plan for `batch` forward transforms of `size` points, split real and imaginary
/// planes, each transform contiguous and `stride` floats after the previous one (16 more
/// than `size`, so that the same cell of consecutive transforms does not fall in one cache
/// set), out of place; executed on buffers each thread owns. FFTW's planner is not
/// thread-safe: plans are made and destroyed under one lock.
final class FFTWSplitPlan: @unchecked Sendable {
    private static let planner = NSLock()
    let size: Int
    let batch: Int
    let stride: Int
    private let plan: fftwf_plan

    init(size: Int, batch: Int) {
        self.size = size
        self.batch = batch
        stride = size + 16
        let sample = Buffers(stride: stride, batch: batch)
        var dims = fftwf_iodim(n: Int32(size), is: 1, os: 1)
        var many = fftwf_iodim(n: Int32(batch), is: Int32(stride), os: Int32(stride))
        Self.planner.lock()
        plan = fftwf_plan_guru_split_dft(1, &dims, 1, &many, sample.inReal, sample.inImag,
                                         sample.outReal, sample.outImag, UInt32(FFTW_ESTIMATE))!
        Self.planner.unlock()
    }

    deinit {
        Self.planner.lock()
        fftwf_destroy_plan(plan)
        Self.planner.unlock()
    }

    /// Forward transform of the input planes into the output planes.
    func execute(_ b: Buffers) { fftwf_execute_split_dft(plan, b.inReal, b.inImag, b.outReal, b.outImag) }

    /// Input and output planes of one batch (FFTW-aligned), zeroed when made.
    final class Buffers {
        let inReal, inImag, outReal, outImag: UnsafeMutablePointer<Float>
        private let count: Int

        convenience init(plan: FFTWSplitPlan) { self.init(stride: plan.stride, batch: plan.batch) }

        init(stride: Int, batch: Int) {
            let count = stride * batch
            func make() -> UnsafeMutablePointer<Float> {
                let p = fftwf_alloc_real(count)!
                p.initialize(repeating: 0, count: count)
                return p
            }
            self.count = count
            inReal = make(); inImag = make(); outReal = make(); outImag = make()
        }

        deinit { for p in [inReal, inImag, outReal, outImag] { fftwf_free(p) } }
    }
}
