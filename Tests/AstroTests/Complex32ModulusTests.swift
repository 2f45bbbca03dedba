import Foundation
import Testing
@testable import Astro

/// The vectorised moduli (AVX2 in CKernels where the CPU has it) against the scalar
/// `complex32Modulus`, bit for bit: the _tot cubes and peak maps depend on every bit.
@Suite struct Complex32ModulusTests {
    @Test func vectorisedModuliAreTheScalarOnesBitForBit() {
        var random = RandomStream(seed: 24)
        var re: [Float] = [], im: [Float] = []
        for _ in 0..<100_003 {
            // Magnitudes over 60 decades, both signs, and ratios from 1e-12 to 1.
            re.append(Float((2 * random.uniform() - 1) * pow(10, (60 * random.uniform() - 30))))
            im.append(Float((2 * random.uniform() - 1) * pow(10, (60 * random.uniform() - 30))))
        }
        let specials: [Float] = [0, -0, .nan, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1, -1]
        for a in specials { for b in specials { re.append(a); im.append(b) } }
        for k in 0..<200 { re.append(Float(k)); im.append(Float(k)) }   // equal parts
        var out = [Float](repeating: -7, count: re.count)
        re.withUnsafeBufferPointer { r in im.withUnsafeBufferPointer { i in out.withUnsafeMutableBufferPointer { o in
            complex32Moduli(r.baseAddress!, i.baseAddress!, into: o.baseAddress!, count: re.count)
        }}}
        var mismatches = 0
        for k in re.indices where out[k].bitPattern != complex32Modulus(re[k], im[k]).bitPattern {
            if !(out[k].isNaN && complex32Modulus(re[k], im[k]).isNaN) { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(complex32Modulus(3, 4) == 5)
        #expect(complex32Modulus(.nan, 1).isNaN && complex32Modulus(1, .nan).isNaN)
        #expect(complex32Modulus(.infinity, .nan).isNaN)
        #expect(complex32Modulus(-.infinity, 2) == .infinity)
    }
}
