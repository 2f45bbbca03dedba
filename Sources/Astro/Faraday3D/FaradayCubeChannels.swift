#if canImport(Glibc)
import Glibc
#endif

/// The channel side of 3-D RM synthesis, fixed for a whole cube: lambda^2, the weights, the
/// Faraday-depth axes and lambda0^2 (RM-Tools' `run_rmsynth` with `do_rmsynth_planes` and
/// `get_rmsf_planes`), following the 1-D code's axis and weighting rules.
public struct FaradayCubeChannels: Sendable {
    public let frequencies: [Double]
    public let lambdaSquared: [Double]
    /// Channel weights (1, or 1/noise^2; NaN noise gives weight 0).
    public let weights: [Double]
    /// The FDF's axis (RMSF: `axis.rmsfValues`, 2N+1 samples at the same step).
    public let axis: FaradayDepthAxis
    /// Analytical RMSF FWHM 3.8 / (max lambda^2 - min lambda^2) over all channels.
    public let fwhm: Double
    /// Weighted mean lambda^2 over the channels not flagged in every pixel.
    public let lambda0Squared: Double
    /// c / sqrt(lambda0^2) (the mean frequency when lambda0^2 is 0).
    public let freq0: Double
    /// The RMSF shared by every pixel whose Stokes Q is flagged only in whole planes.
    public let rmsfReal: [Double]
    public let rmsfImag: [Double]
    /// The RMSF FWHM of pixels with the shared RMSF: `fwhm`, or with `fitRMSF` the fitted one
    /// (the analytical one if the fit fails).
    public let sharedFWHM: Double
    /// Whether per-pixel RMSFs are fitted too.
    public let fitRMSF: Bool
    /// Planes where Q is flagged in every pixel (they carry no RMSF weight).
    public let flaggedQPlanes: [Bool]
    /// True when weights are RM-Tools' float32 ones (uniform): its normalisations are then
    /// rounded to float32, and ours are too.
    let float32Weights: Bool

    /// - Parameters:
    ///   - flaggedPlanes: channels where Q or U is flagged in every pixel (no FDF weight).
    ///   - flaggedQPlanes: channels where Q is flagged in every pixel (no RMSF weight).
    ///   - computingRMSF: false for a first look at the axes alone (the RMSF is left zero).
    public init(frequencies: [Double], settings: FaradayCubeSettings, flaggedPlanes: [Bool],
                flaggedQPlanes: [Bool], frequencySource: String, computingRMSF: Bool = true) throws(FaradayCubeError) {
        let n = frequencies.count
        guard n >= 2 else { throw .badFrequencies(path: frequencySource, message: "\(n) channel\(n == 1 ? "" : "s"); RM synthesis needs at least 2") }
        for (c, f) in frequencies.enumerated() where !(f.isFinite && f > 0) {
            throw .badFrequencies(path: frequencySource, message: "channel \(c) has frequency \(f) Hz; frequencies must be finite and positive")
        }
        try settings.validate(channels: n)
        self.frequencies = frequencies
        let c = RMSynthesiser.speedOfLight
        lambdaSquared = frequencies.map { (c / $0) * (c / $0) }
        var lo = Double.infinity, hi = -Double.infinity, widest = 0.0
        for j in 0..<n {
            lo = min(lo, lambdaSquared[j]); hi = max(hi, lambdaSquared[j])
            if j > 0 { widest = max(widest, abs(lambdaSquared[j] - lambdaSquared[j - 1])) }
        }
        guard hi > lo else { throw .badFrequencies(path: frequencySource, message: "every channel has the same frequency") }
        fwhm = 3.8 / (hi - lo)
        let dPhi = settings.dPhi ?? fwhm / settings.samplesPerFWHM
        let phiMax = settings.phiMax ?? max(3.0.squareRoot() / widest, 10 * fwhm)
        do { axis = try FaradayDepthAxis(maximum: phiMax, step: dPhi) } catch { throw .invalidSetting("\(error)") }

        switch settings.weighting {
        case .uniform:
            weights = [Double](repeating: 1, count: n)
            float32Weights = true
        case .variance:
            let noise = settings.noise ?? []
            guard noise.count == n else {
                throw .badNoise(path: "noise", message: "\(noise.count) noise values for \(n) channels")
            }
            weights = noise.map { let w = 1 / ($0 * $0); return w.isNaN ? 0 : w }
            if let bad = weights.firstIndex(where: { $0.isInfinite }) {
                throw .badNoise(path: "noise", message: "channel \(bad) has noise 0; variance weights need noise > 0")
            }
            float32Weights = false
        }
        self.flaggedQPlanes = flaggedQPlanes

        var wsum = 0.0, wl = 0.0
        for j in 0..<n where !flaggedPlanes[j] { wsum += weights[j]; wl += weights[j] * lambdaSquared[j] }
        let k = float32Weights ? Double(1 / Float(wsum)) : 1 / wsum
        var lam0 = k * wl
        if !lam0.isFinite { lam0 = 0 }
        lambda0Squared = lam0
        freq0 = lam0 > 0 ? c / lam0.squareRoot() : frequencies.reduce(0, +) / Double(n)

        // The shared RMSF, in double precision as RM-Tools' 1-D calculation.
        var rsum = 0.0
        for j in 0..<n where !flaggedQPlanes[j] { rsum += weights[j] }
        let kr = float32Weights ? Double(1 / Float(rsum)) : 1 / rsum
        let phi2 = axis.rmsfValues
        // phi2 is symmetric about its centre sample (0): RMSF(-phi) = conj RMSF(phi), the same
        // bits as computing it (cos and sin are exactly even and odd), in half the time.
        let half = phi2.count / 2
        var re = [Double](repeating: 0, count: phi2.count), im = re
        if computingRMSF {
            let w = weights, l2 = lambdaSquared, flags = flaggedQPlanes, l0 = lam0
            re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
                let (rp, ip) = (SharedPointer(rb), SharedPointer(ib))
                parallelFor(half + 1, threads: 0) { m in
                    let i = half + m, phi = phi2[i]
                    var sr = 0.0, si = 0.0
                    for j in 0..<n where !flags[j] && w[j] != 0 {
                        let theta = -2 * phi * (l2[j] - l0)
                        sr += w[j] * cos(theta); si += w[j] * sin(theta)
                    }
                    rp.base[i] = kr.isFinite ? kr * sr : 0; ip.base[i] = kr.isFinite ? kr * si : 0
                    rp.base[half - m] = rp.base[i]; ip.base[half - m] = -ip.base[i]
                }
            }}
        }
        rmsfReal = re; rmsfImag = im
        fitRMSF = settings.fitRMSF
        if settings.fitRMSF {
            let amplitude = zip(re, im).map { ($0 * $0 + $1 * $1).squareRoot() }
            sharedFWHM = RMSFLobeFit.fwhm(phi: phi2, amplitude: amplitude) ?? fwhm
        } else {
            sharedFWHM = fwhm
        }
    }

    public var count: Int { frequencies.count }

    /// The channels either side of freq0 whose mean is Stokes I at freq0 (RM-Tools
    /// interpolates halfway between the nearest channel and its neighbour towards freq0).
    public var stokesIChannels: (Int, Int) {
        var best = 0
        for j in 1..<count where abs(frequencies[j] - freq0) < abs(frequencies[best] - freq0) { best = j }
        if frequencies[best] < freq0 { return (best, min(best + 1, count - 1)) }
        if frequencies[best] > freq0 { return (max(best - 1, 0), best) }
        return (best, best)
    }

    /// exp(-2i phi (lambda^2 - lambda0^2)) w for every (phi, channel), as float32 rows of
    /// the matrix the data are multiplied by: `real[k * count + j]`.
    func synthesisMatrix(phi: [Double]) -> (real: [Float], imag: [Float]) {
        let n = count, l2 = lambdaSquared, lam0 = lambda0Squared, w = weights
        var re = [Float](repeating: 0, count: phi.count * n), im = re
        re.withUnsafeMutableBufferPointer { rb in im.withUnsafeMutableBufferPointer { ib in
            let (rp, ip) = (SharedPointer(rb), SharedPointer(ib))
            parallelFor(phi.count, threads: 0) { k in
                let p = phi[k]
                for j in 0..<n {
                    let theta = -2 * p * (l2[j] - lam0)
                    rp.base[k * n + j] = Float(w[j] * cos(theta))
                    ip.base[k * n + j] = Float(w[j] * sin(theta))
                }
            }
        }}
        return (re, im)
    }
}
