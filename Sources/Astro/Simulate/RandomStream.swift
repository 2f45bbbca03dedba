/// A small, fast, seedable random stream (SplitMix64) with uniform and Gaussian draws.
/// Every simulated quantity comes from a stream derived from the survey seed and what
/// it is for, so the output does not depend on thread scheduling.
public struct RandomStream: RandomNumberGenerator, Sendable {
    private var state: UInt64
    private var spareGaussian: Double?

    public init(seed: UInt64) {
        state = seed
    }

    /// A stream for one purpose, e.g. `RandomStream(seed: s, labels: [epoch, field, beam])`.
    public init(seed: UInt64, labels: [UInt64]) {
        var mix = RandomStream(seed: seed)
        var s = mix.next()
        for label in labels {
            mix = RandomStream(seed: s ^ (label &* 0x9E37_79B9_7F4A_7C15))
            s = mix.next()
        }
        state = s
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }

    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// Standard normal (Marsaglia's polar method).
    public mutating func gaussian() -> Double {
        if let spare = spareGaussian {
            spareGaussian = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * log(s) / s).squareRoot()
                spareGaussian = v * f
                return u * f
            }
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
