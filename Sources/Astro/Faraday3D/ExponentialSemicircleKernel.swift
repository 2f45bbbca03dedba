import Foundation

/// The "exponential of semicircle" kernel that a non-uniform FFT spreads its samples with
/// (Barnett, Magland & af Klinteberg 2019, the FINUFFT paper): psi(z) = exp(beta (sqrt(1 -
/// z^2) - 1)) for |z| <= 1, zero outside, spanning `width` grid cells. With a grid at least
/// twice the number of modes, width w and beta = 2.3 w, the transform is accurate to about
/// 10^-(w - 1) of the sum of the samples' magnitudes.
struct ExponentialSemicircleKernel: Sendable, Equatable {
    /// Grid cells covered (the kernel's support is +/- width/2 cells).
    let width: Int
    let beta: Double

    init(width: Int) {
        self.width = width
        beta = 2.3 * Double(width)
    }

    /// psi(z), z in units of half the support.
    func value(_ z: Double) -> Double {
        abs(z) < 1 ? exp(beta * ((1 - z * z).squareRoot() - 1)) : 0
    }

    /// The kernel's Fourier transform at `frequencies` (radians per half-support): the
    /// integral of psi(z) cos(xi z) over [-1, 1], by Gauss-Legendre quadrature (psi is
    /// even and smooth inside, and ~e^-beta at the ends).
    func fourierTransform(at frequencies: [Double]) -> [Double] {
        let (nodes, weights) = GaussLegendre.rule(points: 2 * width + 32)
        let psi = nodes.map(value)
        return frequencies.map { xi in
            var sum = 0.0
            for i in nodes.indices { sum += weights[i] * psi[i] * cos(xi * nodes[i]) }
            return sum
        }
    }
}

/// Gauss-Legendre quadrature on [-1, 1]: the roots of the Legendre polynomial P_n found by
/// Newton's method from Tricomi's estimates, and their weights 2 / ((1 - x^2) P_n'(x)^2).
enum GaussLegendre {
    /// The `n`-point rule (n >= 2).
    static func rule(points n: Int) -> (nodes: [Double], weights: [Double]) {
        precondition(n >= 2)
        var nodes = [Double](repeating: 0, count: n), weights = nodes
        for i in 0..<(n + 1) / 2 {
            var x = cos(Double.pi * (Double(i) + 0.75) / (Double(n) + 0.5))
            var derivative = 0.0
            for _ in 0..<100 {
                // P_n(x) (p1) and P_n-1(x) (p0) by the three-term recurrence, then P_n'(x).
                var p0 = 1.0, p1 = x
                for k in 2...n {
                    let p2 = ((2 * Double(k) - 1) * x * p1 - (Double(k) - 1) * p0) / Double(k)
                    p0 = p1; p1 = p2
                }
                derivative = Double(n) * (x * p1 - p0) / (x * x - 1)
                let step = p1 / derivative
                x -= step
                if abs(step) < 1e-15 { break }
            }
            nodes[i] = -x; nodes[n - 1 - i] = x
            let w = 2 / ((1 - x * x) * derivative * derivative)
            weights[i] = w; weights[n - 1 - i] = w
        }
        return (nodes, weights)
    }
}
