import CKernels

/// |re + i im| of a complex64 as numpy computes `np.abs` over complex64 arrays on this
/// class of machine (its vectorised loop: max x sqrt(1 + (min/max)^2), the square and add
/// fused), so that RM-Tools' _tot cubes, peak maps and CLEAN peak choices are reproduced to
/// the last bit. The same formula as the 1-D RM-CLEAN's.
@inline(__always)
func complex32Modulus(_ re: Float, _ im: Float) -> Float {
    let a = abs(re), b = abs(im)
    let big = max(a, b), small = min(a, b)
    if re.isNaN || im.isNaN { return .nan }
    if big == 0 || !big.isFinite { return big + small }
    let q = small / big
    return big * Float(Double(q) * Double(q) + 1).squareRoot()
}

/// `complex32Modulus` of `count` values into `out`: in AVX2 (CKernels, special values
/// included) where the CPU has it, the rest one by one.
func complex32Moduli(_ re: UnsafePointer<Float>, _ im: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count: Int) {
    let done = count > 0 ? Int(arrakis_moduli_f32(re, im, out, count)) : 0
    for i in done..<count { out[i] = complex32Modulus(re[i], im[i]) }
}
