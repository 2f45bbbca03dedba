#if canImport(Glibc)
import Glibc
#endif

/// Sums of one output plane: sum_b w_b P_b I_b and sum_b w_b P_b^2 per pixel.
struct MosaicAccumulator {
    let width: Int
    let height: Int
    private(set) var numerator: [Double]
    private(set) var denominator: [Double]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        numerator = [Double](repeating: 0, count: width * height)
        denominator = [Double](repeating: 0, count: width * height)
    }

    mutating func reset() {
        for i in numerator.indices { numerator[i] = 0; denominator[i] = 0 }
    }

    /// Adds one input's plane. `weight` is the channel's 1/sigma^2, `fwhm` the primary
    /// beam FWHM (deg) at the channel's frequency; pixels where P = exp(-4 ln2 d^2/fwhm^2)
    /// falls below `cutoff`, or the input is blank (NaN), get nothing from this input.
    mutating func add(plane: [Float], inputWidth: Int, map: MosaicGrid.InputMap, weight: Double,
                      fwhm: Double, cutoff: Double) {
        guard weight > 0, weight.isFinite, fwhm > 0, !map.box.isEmpty else { return }
        let k = 4 * log(2.0) / (fwhm * fwhm)
        // P >= cutoff  <=>  d^2 <= -ln(cutoff) / k: most pixels are decided without exp().
        let reach = cutoff > 0 ? Float(-log(cutoff) / k) : .infinity
        let resampled = !map.fx.isEmpty
        let (outWidth, boxWidth) = (width, map.box.width)
        numerator.withUnsafeMutableBufferPointer { num in
        denominator.withUnsafeMutableBufferPointer { den in
        plane.withUnsafeBufferPointer { data in
        map.source.withUnsafeBufferPointer { source in
        map.distanceSquared.withUnsafeBufferPointer { distance in
        map.fx.withUnsafeBufferPointer { fx in
        map.fy.withUnsafeBufferPointer { fy in
            for row in 0..<map.box.height {
                let out = (map.box.y.lowerBound + row) * outWidth + map.box.x.lowerBound
                let from = row * boxWidth
                for column in 0..<boxWidth {
                    let i = from + column
                    let d2 = distance[i]
                    guard d2 <= reach else { continue }
                    let s = Int(source[i])
                    guard s >= 0 else { continue }
                    let value: Float
                    if resampled {
                        let v00 = data[s], v10 = data[s + 1]
                        let v01 = data[s + inputWidth], v11 = data[s + inputWidth + 1]
                        let tx = fx[i], ty = fy[i]
                        value = (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty
                    } else {
                        value = data[s]
                    }
                    guard !value.isNaN else { continue }
                    let p = exp(-k * Double(d2))
                    guard p >= cutoff else { continue }
                    let wp = weight * p
                    num[out + column] += wp * Double(value)
                    den[out + column] += wp * p
                }
            }
        } } } } } } }
    }

    /// The plane's mosaic and weight values; NaN where no input contributed. Also counts
    /// the blank pixels.
    func finish() -> (image: [Float], weight: [Float], blank: Int) {
        var image = [Float](repeating: .nan, count: numerator.count)
        var weight = [Float](repeating: .nan, count: numerator.count)
        var blank = 0
        for i in numerator.indices {
            let d = denominator[i]
            if d > 0 {
                image[i] = Float(numerator[i] / d)
                weight[i] = Float(d)
            } else {
                blank += 1
            }
        }
        return (image, weight, blank)
    }
}
