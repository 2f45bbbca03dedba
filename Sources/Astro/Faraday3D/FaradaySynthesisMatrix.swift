import Dispatch
import Foundation
import Synchronization

/// The matrix of a synthesis, w_j exp(-2i phi_k (lambda_j^2 - lambda0^2)) for every
/// Faraday depth k (rows) and channel j (columns), in float32 planes.
public struct FaradaySynthesisMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    let real: [Float]
    let imag: [Float]

    /// The FDF's matrix (rows: the FDF's Faraday depths).
    public init(_ channels: FaradayCubeChannels) {
        self.init(channels, phi: channels.axis.values)
    }

    init(_ channels: FaradayCubeChannels, phi: [Double]) {
        rows = phi.count
        columns = channels.count
        (real, imag) = channels.synthesisMatrix(phi: phi)
    }

    /// The RMSF's matrix (rows: the RMSF's 2N+1 Faraday depths).
    static func rmsf(_ channels: FaradayCubeChannels) -> FaradaySynthesisMatrix {
        FaradaySynthesisMatrix(channels, phi: channels.axis.rmsfValues)
    }

    /// c[:, columns] = self . b[:, columns] (b: `columns` x ldb floats per plane).
    func multiply(b: (UnsafePointer<Float>, UnsafePointer<Float>), ldb: Int,
                  c: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>), ldc: Int, columns range: Range<Int>) {
        guard !range.isEmpty else { return }
        real.withUnsafeBufferPointer { ar in
            imag.withUnsafeBufferPointer { ai in
                ComplexMatrixProduct.multiply(m: rows, n: columns, aReal: ar.baseAddress!, aImag: ai.baseAddress!,
                                              bReal: b.0, bImag: b.1, ldb: ldb, cReal: c.0, cImag: c.1, ldc: ldc,
                                              columns: range)
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
