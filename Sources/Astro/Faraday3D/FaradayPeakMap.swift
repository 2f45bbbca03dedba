/// The peak of one pixel's FDF: RM-Tools' peak maps (the largest |F| sample and the
/// Faraday depth of the first such sample: `create_peak_maps`, numpy's max and argmax of
/// the complex64 modulus) and the vertex of the parabola through that sample and its
/// neighbours (the 1-D code's refinement; the sample itself at either end of the axis).
enum FaradayPeakMap {
    /// Fills the maps of a pixel whose largest |F| (`amplitude`) is at sample `peak`.
    static func refine(real: UnsafePointer<Float>, imag: UnsafePointer<Float>, stride: Int, count: Int,
                       phi: [Double], peak k: Int, amplitude: Float, maxPI: inout Float, peakRM: inout Float,
                       maxPIFit: inout Float, peakRMFit: inout Float) {
        maxPI = amplitude
        peakRM = Float(phi[k])
        if k > 0 && k < count - 1 {
            func modulus(_ j: Int) -> Double { Double(complex32Modulus(real[j * stride], imag[j * stride])) }
            let v = FDFPeakMeasurer.parabolaVertex(Float(phi[k - 1]), modulus(k - 1), Float(phi[k]), modulus(k),
                                                   Float(phi[k + 1]), modulus(k + 1))
            if v.x.isFinite && v.y.isFinite {
                peakRMFit = Float(v.x); maxPIFit = Float(v.y)
                return
            }
        }
        peakRMFit = peakRM; maxPIFit = maxPI
    }
}
