/// |re + i im| of a complex64 as numpy computes `np.abs` over complex64 arrays on this
/// class of machine (its vectorised loop: max x sqrt(1 + (min/max)^2), the square and add
/// fused), so that RM-Tools' _tot cubes, peak maps and CLEAN peak choices are reproduced to
/// the last bit. The same formula as the 1-D RM-CLEAN's.
@inline(__always)
func complex32Modulus(_ re: Float, _ im: Float) -> Float {
    let a = abs(re), b = abs(im)
    let big = max(a, b), small = min(a, b)
    if big == 0 || !big.isFinite { return big.isNaN || small.isNaN ? .nan : big + small }
    let q = small / big
    return big * Float(Double(q) * Double(q) + 1).squareRoot()
}
