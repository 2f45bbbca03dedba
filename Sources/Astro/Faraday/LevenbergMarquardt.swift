#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A nonlinear least-squares problem for ``LevenbergMarquardt``: minimise the sum of
/// squared residuals r_i(x), i < residualCount.
protocol LeastSquaresProblem {
    /// Number of residuals (data points).
    var residualCount: Int { get }
    /// Writes r(x) into `residuals` and, when `jacobian` is non-nil, dr_i/dx_j into
    /// `jacobian[j * residualCount + i]` (column-major). Non-finite values are allowed:
    /// the minimiser treats them as a failed step.
    mutating func evaluate(_ x: [Double], residuals: inout [Double], jacobian: UnsafeMutablePointer<Double>?)
}

/// Levenberg–Marquardt least squares with a trust region, column-pivoted QR and the
/// convergence tests and exit codes of MINPACK's lmder (as mpfit, which RM-Tools uses,
/// reports them), so a fit status means what it means in RM-Tools:
/// 1 relative reduction of chi-square below `ftol`; 2 relative step below `xtol`; 3 both;
/// 4 gradient orthogonal to the residuals (below `gtol`); 5 iteration limit;
/// 6/7/8 tolerances too small for machine precision; -16 non-finite values; 0 bad input.
struct LevenbergMarquardt {
    var ftol = 1e-10
    var xtol = 1e-10
    var gtol = 1e-10
    var maxIterations = 200
    /// Initial step bound, as a multiple of the scaled length of the start vector.
    var stepBoundFactor = 100.0
    /// Use the problem's analytic Jacobian; false = forward differences (mpfit's default,
    /// which RM-Tools uses, and what makes the exit status and the last digits match it).
    var analyticJacobian = false

    struct Result {
        var parameters: [Double]
        var status: Int
        /// Sum of squared residuals at the end (the larger of the last accepted and the
        /// last tried point, as mpfit reports it).
        var chiSquare: Double
        /// Accepted iterations, counting from 1.
        var iterations: Int
        /// n x n covariance (row-major) from the last Jacobian; nil if the fit failed.
        var covariance: [Double]?
    }

    private static let epsilon = Double.ulpOfOne
    private static let dwarf = Double.leastNormalMagnitude

    func minimise<P: LeastSquaresProblem>(_ problem: inout P, start: [Double]) -> Result {
        let n = start.count
        let m = problem.residualCount
        guard n > 0, m >= n, ftol > 0, xtol > 0, gtol > 0, maxIterations >= 0 else {
            return Result(parameters: start, status: 0, chiSquare: .nan, iterations: 0, covariance: nil)
        }
        var x = start
        var fvec = [Double](repeating: 0, count: m)
        var trial = [Double](repeating: 0, count: m)
        var fjac = [Double](repeating: 0, count: m * n)
        problem.evaluate(x, residuals: &fvec, jacobian: nil)
        var fnorm = Self.norm(fvec)
        var fnorm1 = -1.0
        var par = 0.0
        var iterations = 1
        var status = 0

        var qtf = [Double](repeating: 0, count: n)
        var diag = [Double](repeating: 0, count: n)
        var r = [Double](repeating: 0, count: n * n)      // column-major n x n, pivoted order
        var ipvt = [Int](repeating: 0, count: n)
        var rdiag = [Double](repeating: 0, count: n)
        var acnorm = [Double](repeating: 0, count: n)
        var step = [Double](repeating: 0, count: n)
        var sdiag = [Double](repeating: 0, count: n)
        var xTrial = [Double](repeating: 0, count: n)
        var wa3 = [Double](repeating: 0, count: n)
        var delta = 0.0
        var xnorm = 0.0

        outer: while true {
            if analyticJacobian {
                fjac.withUnsafeMutableBufferPointer { problem.evaluate(x, residuals: &trial, jacobian: $0.baseAddress) }
            } else {
                // Forward differences with step sqrt(eps) |x_j| (sqrt(eps) for x_j = 0), as
                // mpfit: the fit's path and exit status then match RM-Tools'.
                let root = Self.epsilon.squareRoot()
                for j in 0..<n {
                    var h = root * abs(x[j])
                    if h == 0 { h = root }
                    for k in 0..<n { xTrial[k] = x[k] }
                    xTrial[j] += h
                    problem.evaluate(xTrial, residuals: &trial, jacobian: nil)
                    for i in 0..<m { fjac[j * m + i] = (trial[i] - fvec[i]) / h }
                }
            }
            Self.qrFactor(&fjac, m: m, n: n, ipvt: &ipvt, rdiag: &rdiag, acnorm: &acnorm)

            if iterations == 1 {
                for j in 0..<n { diag[j] = acnorm[j] == 0 ? 1 : acnorm[j] }
                xnorm = Self.scaledNorm(diag, x)
                delta = stepBoundFactor * xnorm
                if delta == 0 { delta = stepBoundFactor }
            }

            // Q^T f into qtf; the R factor into r (columns in pivoted order).
            trial.withUnsafeMutableBufferPointer { wa in
                for i in 0..<m { wa[i] = fvec[i] }
                for j in 0..<n {
                    let lj = ipvt[j] * m
                    let pivot = fjac[j + lj]
                    if pivot != 0 {
                        var s = 0.0
                        for i in j..<m { s += fjac[i + lj] * wa[i] }
                        let t = s / pivot
                        for i in j..<m { wa[i] -= fjac[i + lj] * t }
                    }
                    fjac[j + lj] = rdiag[j]
                    qtf[j] = wa[j]
                }
            }
            for k in 0..<n {
                let col = ipvt[k] * m
                for i in 0..<n { r[i + k * n] = fjac[i + col] }
            }

            // Scaled gradient norm.
            var gnorm = 0.0
            if fnorm != 0 {
                for j in 0..<n {
                    let l = ipvt[j]
                    if acnorm[l] != 0 {
                        var s = 0.0
                        for i in 0...j { s += r[i + j * n] * qtf[i] }
                        gnorm = max(gnorm, abs(s / fnorm / acnorm[l]))
                    }
                }
            }
            if gnorm <= gtol { status = 4; break }
            if maxIterations == 0 { status = 5; break }
            for j in 0..<n { diag[j] = max(diag[j], acnorm[j]) }

            inner: while true {
                Self.lmParameter(&r, n: n, ipvt: ipvt, diag: diag, qtb: qtf, delta: delta,
                                 par: &par, x: &step, sdiag: &sdiag)
                for j in 0..<n {
                    step[j] = -step[j]
                    xTrial[j] = x[j] + step[j]
                }
                let pnorm = Self.scaledNorm(diag, step)
                if iterations == 1 { delta = min(delta, pnorm) }

                problem.evaluate(xTrial, residuals: &trial, jacobian: nil)
                fnorm1 = Self.norm(trial)

                var actred = -1.0
                if 0.1 * fnorm1 < fnorm { actred = 1 - (fnorm1 / fnorm) * (fnorm1 / fnorm) }
                for j in 0..<n {
                    wa3[j] = 0
                    let sj = step[ipvt[j]]
                    for i in 0...j { wa3[i] += r[i + j * n] * sj }
                }
                let temp1 = Self.norm(wa3) / fnorm
                let temp2 = (par.squareRoot() * pnorm) / fnorm
                let prered = temp1 * temp1 + temp2 * temp2 / 0.5
                let dirder = -(temp1 * temp1 + temp2 * temp2)
                let ratio = prered != 0 ? actred / prered : 0

                if ratio <= 0.25 {
                    var t = actred >= 0 ? 0.5 : 0.5 * dirder / (dirder + 0.5 * actred)
                    if 0.1 * fnorm1 >= fnorm || t < 0.1 { t = 0.1 }
                    delta = t * min(delta, pnorm / 0.1)
                    par /= t
                } else if par == 0 || ratio >= 0.75 {
                    delta = pnorm / 0.5
                    par *= 0.5
                }

                if ratio >= 1e-4 {
                    swap(&x, &xTrial)
                    swap(&fvec, &trial)
                    xnorm = Self.scaledNorm(diag, x)
                    fnorm = fnorm1
                    iterations += 1
                }

                let smallReduction = abs(actred) <= ftol && prered <= ftol && 0.5 * ratio <= 1
                if smallReduction { status = 1 }
                if delta <= xtol * xnorm { status = smallReduction ? 3 : 2 }
                if status != 0 { break outer }

                if iterations >= maxIterations { status = 5 }
                if abs(actred) <= Self.epsilon && prered <= Self.epsilon && 0.5 * ratio <= 1 { status = 6 }
                if delta <= Self.epsilon * xnorm { status = 7 }
                if gnorm <= Self.epsilon { status = 8 }
                if status != 0 { break outer }

                if ratio >= 1e-4 { break inner }
                if !ratio.isFinite || !(step + xTrial + x).allSatisfy({ $0.isFinite }) {
                    status = -16
                    break outer
                }
            }
        }

        if status > 0 {
            problem.evaluate(x, residuals: &fvec, jacobian: nil)
            fnorm = Self.norm(fvec)
        }
        let worst = max(fnorm, fnorm1)
        let covariance = status > 0 ? Self.covariance(r, n: n, ipvt: ipvt) : nil
        return Result(parameters: x, status: status, chiSquare: worst * worst,
                      iterations: iterations, covariance: covariance)
    }

    // MARK: - Linear algebra (MINPACK's qrfac, lmpar, qrsolv, covar)

    static func norm(_ v: [Double]) -> Double {
        var scale = 0.0
        for e in v where e.isFinite { scale = max(scale, abs(e)) }
        if scale == 0 || !v.allSatisfy({ $0.isFinite }) {
            var s = 0.0
            for e in v { s += e * e }
            return s.squareRoot()
        }
        var s = 0.0
        for e in v { let t = e / scale; s += t * t }
        return scale * s.squareRoot()
    }

    /// |d * v| (elementwise product), without a temporary.
    private static func scaledNorm(_ d: [Double], _ v: [Double]) -> Double {
        var scale = 0.0
        for j in v.indices { scale = max(scale, abs(d[j] * v[j])) }
        guard scale > 0, scale.isFinite else {
            var s = 0.0
            for j in v.indices { s += (d[j] * v[j]) * (d[j] * v[j]) }
            return s.squareRoot()
        }
        var s = 0.0
        for j in v.indices { let t = d[j] * v[j] / scale; s += t * t }
        return scale * s.squareRoot()
    }

    private static func columnNorm(_ a: [Double], from start: Int, to end: Int) -> Double {
        var scale = 0.0
        for i in start..<end { scale = max(scale, abs(a[i])) }
        if scale == 0 || !scale.isFinite { return scale }
        var s = 0.0
        for i in start..<end { let t = a[i] / scale; s += t * t }
        return scale * s.squareRoot()
    }

    /// Householder QR with column pivoting of the m x n column-major `a`. Columns are not
    /// moved: `ipvt[j]` is the column at pivot position j. On return the Householder
    /// vectors and the strict upper part of R sit in `a` (row j of column ipvt[k], k > j),
    /// `rdiag` holds R's diagonal and `acnorm` the original column norms.
    static func qrFactor(_ a: inout [Double], m: Int, n: Int, ipvt: inout [Int],
                         rdiag: inout [Double], acnorm: inout [Double]) {
        var wa = [Double](repeating: 0, count: n)
        for j in 0..<n {
            acnorm[j] = columnNorm(a, from: j * m, to: j * m + m)
            rdiag[j] = acnorm[j]
            wa[j] = acnorm[j]
            ipvt[j] = j
        }
        for j in 0..<min(m, n) {
            var kmax = j
            for k in j..<n where rdiag[k] > rdiag[kmax] { kmax = k }
            if kmax != j {
                ipvt.swapAt(j, kmax)
                rdiag[kmax] = rdiag[j]
                wa[kmax] = wa[j]
            }
            let lj = ipvt[j] * m
            var ajnorm = columnNorm(a, from: lj + j, to: lj + m)
            if ajnorm == 0 { rdiag[j] = 0; continue }
            if a[lj + j] < 0 { ajnorm = -ajnorm }
            for i in j..<m { a[lj + i] /= ajnorm }
            a[lj + j] += 1
            for k in (j + 1)..<max(n, j + 1) {
                let lk = ipvt[k] * m
                if a[lj + j] != 0 {
                    var s = 0.0
                    for i in j..<m { s += a[lk + i] * a[lj + i] }
                    let t = s / a[lj + j]
                    for i in j..<m { a[lk + i] -= a[lj + i] * t }
                }
                if rdiag[k] != 0 {
                    let t = a[lk + j] / rdiag[k]
                    rdiag[k] *= max(0, 1 - t * t).squareRoot()
                    let u = rdiag[k] / wa[k]
                    if 0.05 * u * u <= epsilon {
                        rdiag[k] = columnNorm(a, from: lk + j + 1, to: lk + m)
                        wa[k] = rdiag[k]
                    }
                }
            }
            rdiag[j] = -ajnorm
        }
    }

    /// Solves R z = Q^T b, (D-scaled) damped: finds x minimising |A x - b|^2 + |D x|^2 given
    /// the QR factors of A in `r` (upper triangle; the strict lower triangle is overwritten
    /// with the factor S of the damped system, whose diagonal is returned in `sdiag`).
    private static func qrSolve(_ r: inout [Double], n: Int, ipvt: [Int], diag: [Double],
                                qtb: [Double], x: inout [Double], sdiag: inout [Double]) {
        for j in 0..<n {
            for i in j..<n { r[i + j * n] = r[j + i * n] }
            x[j] = r[j + j * n]
        }
        var wa = qtb
        for j in 0..<n {
            let l = ipvt[j]
            if diag[l] == 0 { break }
            for k in j..<n { sdiag[k] = 0 }
            sdiag[j] = diag[l]
            var qtbpj = 0.0
            for k in j..<n {
                if sdiag[k] == 0 { break }
                let rkk = r[k + k * n]
                let sine: Double, cosine: Double
                if abs(rkk) < abs(sdiag[k]) {
                    let cotan = rkk / sdiag[k]
                    sine = 0.5 / (0.25 + 0.25 * cotan * cotan).squareRoot()
                    cosine = sine * cotan
                } else {
                    let tang = sdiag[k] / rkk
                    cosine = 0.5 / (0.25 + 0.25 * tang * tang).squareRoot()
                    sine = cosine * tang
                }
                r[k + k * n] = cosine * rkk + sine * sdiag[k]
                let t = cosine * wa[k] + sine * qtbpj
                qtbpj = -sine * wa[k] + cosine * qtbpj
                wa[k] = t
                if k + 1 < n {
                    for i in (k + 1)..<n {
                        let rik = r[i + k * n]
                        r[i + k * n] = cosine * rik + sine * sdiag[i]
                        sdiag[i] = -sine * rik + cosine * sdiag[i]
                    }
                }
            }
            sdiag[j] = r[j + j * n]
            r[j + j * n] = x[j]
        }
        var nsing = n
        for j in 0..<n where sdiag[j] == 0 { nsing = j; break }
        for j in nsing..<n { wa[j] = 0 }
        if nsing >= 1 {
            wa[nsing - 1] /= sdiag[nsing - 1]
            var j = nsing - 2
            while j >= 0 {
                var s = 0.0
                for i in (j + 1)..<nsing { s += r[i + j * n] * wa[i] }
                wa[j] = (wa[j] - s) / sdiag[j]
                j -= 1
            }
        }
        for j in 0..<n { x[ipvt[j]] = wa[j] }
    }

    /// The Levenberg–Marquardt parameter: finds `par` such that the damped step `x`
    /// has scaled length |D x| within 10% of `delta` (or par = 0 if the Gauss–Newton
    /// step is already short enough).
    private static func lmParameter(_ r: inout [Double], n: Int, ipvt: [Int], diag: [Double],
                                    qtb: [Double], delta: Double, par: inout Double,
                                    x: inout [Double], sdiag: inout [Double]) {
        var wa1 = qtb
        var wa2 = [Double](repeating: 0, count: n)
        var nsing = n
        var rmax = 0.0
        for j in 0..<n { rmax = max(rmax, abs(r[j + j * n])) }
        let threshold = rmax * epsilon
        for j in 0..<n where abs(r[j + j * n]) < threshold { nsing = j; break }
        for j in nsing..<n { wa1[j] = 0 }
        var j = nsing - 1
        while j >= 0 {
            wa1[j] /= r[j + j * n]
            for i in 0..<j { wa1[i] -= r[i + j * n] * wa1[j] }
            j -= 1
        }
        for k in 0..<n { x[ipvt[k]] = wa1[k] }

        for k in 0..<n { wa2[k] = diag[k] * x[k] }
        var dxnorm = norm(wa2)
        var fp = dxnorm - delta
        if fp <= 0.1 * delta { par = 0; return }

        var parl = 0.0
        if nsing >= n {
            for k in 0..<n { wa1[k] = diag[ipvt[k]] * wa2[ipvt[k]] / dxnorm }
            wa1[0] /= r[0]
            for k in 1..<max(n, 1) {
                var s = 0.0
                for i in 0..<k { s += r[i + k * n] * wa1[i] }
                wa1[k] = (wa1[k] - s) / r[k + k * n]
            }
            let t = norm(wa1)
            parl = ((fp / delta) / t) / t
        }
        for k in 0..<n {
            var s = 0.0
            for i in 0...k { s += r[i + k * n] * qtb[i] }
            wa1[k] = s / diag[ipvt[k]]
        }
        let gnorm = norm(wa1)
        var paru = gnorm / delta
        if paru == 0 { paru = dwarf / min(delta, 0.1) }

        par = max(par, parl)
        par = min(par, paru)
        if par == 0 { par = gnorm / dxnorm }

        var iteration = 0
        while true {
            iteration += 1
            if par == 0 { par = max(dwarf, paru * 0.001) }
            let root = par.squareRoot()
            for k in 0..<n { wa1[k] = root * diag[k] }
            qrSolve(&r, n: n, ipvt: ipvt, diag: wa1, qtb: qtb, x: &x, sdiag: &sdiag)
            for k in 0..<n { wa2[k] = diag[k] * x[k] }
            dxnorm = norm(wa2)
            let previous = fp
            fp = dxnorm - delta
            if abs(fp) <= 0.1 * delta || (parl == 0 && fp <= previous && previous < 0) || iteration == 10 {
                break
            }
            for k in 0..<n { wa1[k] = diag[ipvt[k]] * wa2[ipvt[k]] / dxnorm }
            for k in 0..<(n - 1) {
                wa1[k] /= sdiag[k]
                for i in (k + 1)..<n { wa1[i] -= r[i + k * n] * wa1[k] }
            }
            wa1[n - 1] /= sdiag[n - 1]
            let t = norm(wa1)
            let parc = ((fp / delta) / t) / t
            if fp > 0 { parl = max(parl, par) }
            if fp < 0 { paru = min(paru, par) }
            par = max(parl, par + parc)
        }
    }

    /// (R^T R)^-1 in the original parameter order, with rows/columns of a (numerically)
    /// rank-deficient R set to zero. Returns n x n row-major.
    static func covariance(_ rr: [Double], n: Int, ipvt: [Int], tolerance: Double = 1e-14) -> [Double] {
        var r = rr   // column-major: r[i + j*n] = R(i, j)
        var l = -1
        let tolr = tolerance * abs(r[0])
        for k in 0..<n {
            if abs(r[k + k * n]) <= tolr { break }
            r[k + k * n] = 1 / r[k + k * n]
            for j in 0..<k {
                let t = r[k + k * n] * r[j + k * n]
                r[j + k * n] = 0
                for i in 0...j { r[i + k * n] -= t * r[i + j * n] }
            }
            l = k
        }
        if l >= 0 {
            for k in 0...l {
                for j in 0..<k {
                    let t = r[j + k * n]
                    for i in 0...j { r[i + j * n] += t * r[i + k * n] }
                }
                let t = r[k + k * n]
                for i in 0...k { r[i + k * n] *= t }
            }
        }
        var wa = [Double](repeating: r[0], count: n)
        for j in 0..<n {
            let jj = ipvt[j]
            let singular = j > l
            for i in 0...j {
                if singular { r[i + j * n] = 0 }
                let ii = ipvt[i]
                if ii > jj { r[ii + jj * n] = r[i + j * n] }
                if ii < jj { r[jj + ii * n] = r[i + j * n] }
            }
            wa[jj] = r[j + j * n]
        }
        for j in 0..<n {
            for i in 0...j { r[i + j * n] = r[j + i * n] }
            r[j + j * n] = wa[j]
        }
        // r is symmetric now; return row-major (same numbers).
        return r
    }
}
