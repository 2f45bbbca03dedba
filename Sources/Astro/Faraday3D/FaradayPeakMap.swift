#if canImport(Glibc)
import Glibc
#endif

/// The peak of one pixel's FDF: RM-Tools' peak maps (the largest |F| sample and the
/// Faraday depth of the first such sample: `create_peak_maps`, numpy's max and argmax of
/// the complex64 modulus) and the vertex of the parabola through that sample and its
/// neighbours (the 1-D code's refinement; the sample itself at either end of the axis).
enum FaradayPeakMap {
    static func measure(real: UnsafePointer<Float>, imag: UnsafePointer<Float>, stride: Int, count: Int,
                        phi: [Double], maxPI: inout Float, peakRM: inout Float,
                        maxPIFit: inout Float, peakRMFit: inout Float) {
        var best: Float = -1, k = -1
        for j in 0..<count {
            let a = hypotf(real[j * stride], imag[j * stride])
            if a.isNaN { maxPI = .nan; peakRM = .nan; maxPIFit = .nan; peakRMFit = .nan; return }
            if a > best { best = a; k = j }
        }
        guard k >= 0 else { return }
        maxPI = best
        peakRM = Float(phi[k])
        if k > 0 && k < count - 1 {
            func amplitude(_ j: Int) -> Double { Double(hypotf(real[j * stride], imag[j * stride])) }
            let v = FDFPeakMeasurer.parabolaVertex(Float(phi[k - 1]), amplitude(k - 1), Float(phi[k]), amplitude(k),
                                                   Float(phi[k + 1]), amplitude(k + 1))
            if v.x.isFinite && v.y.isFinite {
                peakRMFit = Float(v.x); maxPIFit = Float(v.y)
                return
            }
        }
        peakRMFit = peakRM; maxPIFit = maxPI
    }
}
