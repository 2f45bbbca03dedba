#if canImport(Glibc)
import Glibc
#endif

/// How one simulated component appears in a beam image: its footprint on the pixel grid
/// (the intrinsic Gaussian convolved with the circular restoring beam, truncated at
/// 4 sigma and clipped to the image) and its Stokes I, Q, U (and V) peak spectrum. The renderer
/// draws exactly this; tests use it to know what was injected.
struct ComponentImage {
    /// First pixel of the footprint and its size (clipped to the image).
    let x0, y0, width, height: Int
    /// exp(-r^2/2) of the footprint's pixels, row by row (x fastest).
    let spatial: [Float]
    /// Peak surface brightness (Jy/beam) per unit total flux density.
    let peakPerFlux: Double

    /// The footprint of `component` centred at 0-based pixel (x, y) of an `npix` x `npix`
    /// image, or nil when it misses the image.
    init?(component: TruthComponent, x: Double, y: Double, parameters p: SurveyParameters) {
        let n = p.npix
        let beamSigma = p.beamPixels / 2.354_820_045
        // Covariance (pixels^2) of the intrinsic shape convolved with the circular beam.
        let sMaj = component.major / p.pixelScale / 2.354_820_045
        let sMin = component.minor / p.pixelScale / 2.354_820_045
        let pa = component.positionAngle * SkyMath.degree
        let u = (-sin(pa), cos(pa)), v = (cos(pa), sin(pa))   // major, minor axes on the pixel grid
        let b2 = beamSigma * beamSigma
        let cxx = b2 + sMaj * sMaj * u.0 * u.0 + sMin * sMin * v.0 * v.0
        let cyy = b2 + sMaj * sMaj * u.1 * u.1 + sMin * sMin * v.1 * v.1
        let cxy = sMaj * sMaj * u.0 * u.1 + sMin * sMin * v.0 * v.1
        let det = cxx * cyy - cxy * cxy
        let ixx = cyy / det, iyy = cxx / det, ixy = -cxy / det
        // Peak in Jy/beam of a Gaussian of unit total flux: beam area / source area.
        peakPerFlux = b2 / det.squareRoot()
        let radius = Int((4 * max(cxx, cyy).squareRoot()).rounded(.up))
        let x0 = max(0, Int(x.rounded()) - radius), x1 = min(n - 1, Int(x.rounded()) + radius)
        let y0 = max(0, Int(y.rounded()) - radius), y1 = min(n - 1, Int(y.rounded()) + radius)
        guard x0 <= x1, y0 <= y1 else { return nil }
        var spatial: [Float] = []
        spatial.reserveCapacity((x1 - x0 + 1) * (y1 - y0 + 1))
        for py in y0...y1 {
            let dy = Double(py) - y
            for px in x0...x1 {
                let dx = Double(px) - x
                spatial.append(Float(exp(-0.5 * (ixx * dx * dx + 2 * ixy * dx * dy + iyy * dy * dy))))
            }
        }
        self.x0 = x0
        self.y0 = y0
        self.width = x1 - x0 + 1
        self.height = y1 - y0 + 1
        self.spatial = spatial
    }

    /// The footprint's value at 0-based pixel (x, y), 0 outside it.
    func spatial(x: Int, y: Int) -> Float {
        guard x >= x0, x < x0 + width, y >= y0, y < y0 + height else { return 0 }
        return spatial[(y - y0) * width + (x - x0)]
    }

    /// Stokes I, Q, U, V (Jy/beam) at the footprint's peak at `frequency` (Hz), before the
    /// primary beam: a power law in I, Faraday-rotated linear polarisation in Q and U, and
    /// V the component's circular fraction of I.
    static func stokes(_ component: TruthComponent, frequency: Double, peakPerFlux: Double,
                       parameters p: SurveyParameters) -> (i: Double, q: Double, u: Double, v: Double) {
        let lambdaSquared = pow(GaussianPrimaryBeam.speedOfLight / frequency, 2)
        let stokesI = component.flux * peakPerFlux * pow(frequency / p.referenceFrequency, component.spectralIndex)
        let chi = 2 * (component.angle * SkyMath.degree + component.rm * lambdaSquared)
        let polarised = component.fractionalPolarisation * stokesI
        return (stokesI, polarised * cos(chi), polarised * sin(chi), component.circularFraction * stokesI)
    }
}
