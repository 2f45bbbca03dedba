import Foundation

/// Schmidt semi-normalised associated Legendre functions Pₙᵐ(sin φ′) of geocentric
/// latitude φ′, with their φ′-derivatives, up to a maximum degree: what the spherical
/// harmonic synthesis of the World Magnetic Model needs.
///
/// Pₙᵐ carries a factor cosᵐ φ′, and the east component divides by cos φ′, which is zero
/// at the poles. So the recursions also run on Pₙᵐ / cos φ′ (for m ≥ 1), a polynomial that
/// is finite everywhere; the east component then needs no special case at the poles.
struct SchmidtLegendre {
    let degree: Int
    /// Pₙᵐ, at `index(n, m)`.
    private(set) var value: [Double]
    /// dPₙᵐ/dφ′.
    private(set) var derivative: [Double]
    /// Pₙᵐ / cos φ′ for m ≥ 1 (0 for m = 0, where it is not needed).
    private(set) var valueOverCosine: [Double]

    /// The position of (n, m) in the triangular arrays, n ≥ m ≥ 0.
    static func index(_ n: Int, _ m: Int) -> Int { n * (n + 1) / 2 + m }

    /// The functions at sin φ′ = `sine`, cos φ′ = `cosine` (≥ 0).
    init(degree: Int, sine t: Double, cosine u: Double) {
        self.degree = degree
        let count = Self.index(degree, degree) + 1
        var p = [Double](repeating: 0, count: count)
        var dp = [Double](repeating: 0, count: count)
        var q = [Double](repeating: 0, count: count)  // Pₙᵐ / u
        p[0] = 1
        for m in 0...degree {
            let mm = Self.index(m, m)
            if m == 1 {
                p[mm] = u
                dp[mm] = -t
                q[mm] = 1
            } else if m > 1 {
                // Pₘᵐ = √((2m − 1)/(2m)) · u · Pₘ₋₁ᵐ⁻¹
                let k = ((2 * Double(m) - 1) / (2 * Double(m))).squareRoot()
                let previous = Self.index(m - 1, m - 1)
                p[mm] = k * u * p[previous]
                dp[mm] = k * (u * dp[previous] - t * p[previous])
                q[mm] = k * u * q[previous]
            }
            guard m < degree else { continue }
            for n in (m + 1)...degree {
                // √(n² − m²) Pₙᵐ = (2n − 1) t Pₙ₋₁ᵐ − √((n − 1)² − m²) Pₙ₋₂ᵐ
                let here = Self.index(n, m), one = Self.index(n - 1, m)
                let dn = Double(n), dm = Double(m)
                let a = (2 * dn - 1) / (dn * dn - dm * dm).squareRoot()
                let c = ((dn - 1) * (dn - 1) - dm * dm).squareRoot() / (dn * dn - dm * dm).squareRoot()
                let two = n - 2 >= m ? Self.index(n - 2, m) : nil
                p[here] = a * t * p[one] - c * (two.map { p[$0] } ?? 0)
                dp[here] = a * (u * p[one] + t * dp[one]) - c * (two.map { dp[$0] } ?? 0)
                if m >= 1 {
                    q[here] = a * t * q[one] - c * (two.map { q[$0] } ?? 0)
                }
            }
        }
        value = p
        derivative = dp
        valueOverCosine = q
    }
}
