#if canImport(Glibc)
import Glibc
#endif

/// Renders the I, Q and U cubes of one beam of one observation: every component as an
/// elliptical Gaussian (intrinsic shape convolved with the circular restoring beam),
/// with a power-law spectrum, Faraday-rotated linear polarisation, attenuated by the
/// beam's primary beam at each frequency, plus Gaussian noise per channel.
struct BeamCubeRenderer {
    let parameters: SurveyParameters
    let sky: SkyModel
    let primaryBeam = GaussianPrimaryBeam()

    struct Output {
        var header: FITSHeader
        /// I, Q, U, each of shape (npix, npix, 1, channels).
        var cubes: [PixelArray<Float>]
        /// Noise per channel (Jy/beam); the weights files hold 1/sigma^2.
        var channelSigma: [Double]
    }

    /// The cube header: WCS (RA---SIN, DEC--SIN, STOKES, FREQ), restoring beam, receptor angle.
    func header(field: SurveyLayout.Field, beam: SurveyLayout.Beam, observation: SurveyLayout.Observation,
                stokes: Int) -> FITSHeader {
        let p = parameters
        var h = FITSHeader()
        h.set("BUNIT", .string("Jy/beam"))
        h.set("CTYPE1", .string("RA---SIN"))
        h.set("CRVAL1", .real(beam.ra))
        h.set("CDELT1", .real(-p.pixelScale))
        h.set("CRPIX1", .real(Double(p.npix / 2 + 1)))
        h.set("CUNIT1", .string("deg"))
        h.set("CTYPE2", .string("DEC--SIN"))
        h.set("CRVAL2", .real(beam.dec))
        h.set("CDELT2", .real(p.pixelScale))
        h.set("CRPIX2", .real(Double(p.npix / 2 + 1)))
        h.set("CUNIT2", .string("deg"))
        h.set("CTYPE3", .string("STOKES"))
        h.set("CRVAL3", .real(Double(stokes)))
        h.set("CDELT3", .real(1))
        h.set("CRPIX3", .real(1))
        h.set("CUNIT3", .string(""))
        h.set("CTYPE4", .string("FREQ"))
        h.set("CRVAL4", .real(p.firstFrequency))
        h.set("CDELT4", .real(p.channelWidth))
        h.set("CRPIX4", .real(1))
        h.set("CUNIT4", .string("Hz"))
        h.set("RADESYS", .string("FK5"))
        h.set("EQUINOX", .real(2000))
        h.set("BMAJ", .real(p.restoringBeam), comment: "restoring beam FWHM (deg)")
        h.set("BMIN", .real(p.restoringBeam), comment: "restoring beam FWHM (deg)")
        h.set("BPA", .real(0))
        h.set("INSTRUMENT_RECEPTOR_ANGLE", .real(-45), comment: "deg")
        h.set("TELESCOP", .string("ASKAP"))
        h.set("OBJECT", .string(field.name))
        h.set("SBID", .integer(observation.sbid))
        h.set("BEAM", .integer(beam.number))
        h.set("DATE-OBS", .string(isoDate(mjdSeconds: observation.scanStart)))
        h.addHistory("arrakis simulate: seed \(p.seed), epoch \(observation.epoch), field \(field.name), beam \(beam.number)")
        return h
    }

    func render(field: SurveyLayout.Field, beam: SurveyLayout.Beam,
                observation: SurveyLayout.Observation) throws -> Output {
        let p = parameters
        let n = p.npix
        let planes = n * n
        let nchan = p.channels
        var cubes = (0..<3).map { _ in [Float](repeating: 0, count: planes * nchan) }
        let iHeader = header(field: field, beam: beam, observation: observation, stokes: 1)
        let wcs = try CelestialWCS(header: iHeader)

        let frequencies = (0..<nchan).map { p.firstFrequency + Double($0) * p.channelWidth }
        let lambdaSquared = frequencies.map { pow(GaussianPrimaryBeam.speedOfLight / $0, 2) }
        let beamSigma = p.beamPixels / 2.354_820_045
        let reach = p.beamPitch * 1.5 + 4 * p.restoringBeam   // image half-diagonal and a margin

        var spatial: [Float] = []
        var spectrum = [[Float]](repeating: [Float](repeating: 0, count: nchan), count: 3)
        for component in sky.components {
            let distance = SkyMath.separation(beam.ra, beam.dec, component.ra, component.dec)
            guard distance < reach, let (x, y) = wcs.pixel(ra: component.ra, dec: component.dec) else { continue }
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
            // Peak in Jy/beam of a Gaussian of this total flux: S x beam area / source area.
            let peak = component.flux * b2 / det.squareRoot()
            let radius = Int((4 * max(cxx, cyy).squareRoot()).rounded(.up))
            let x0 = max(0, Int(x.rounded()) - radius), x1 = min(n - 1, Int(x.rounded()) + radius)
            let y0 = max(0, Int(y.rounded()) - radius), y1 = min(n - 1, Int(y.rounded()) + radius)
            guard x0 <= x1, y0 <= y1 else { continue }
            let width = x1 - x0 + 1
            spatial.removeAll(keepingCapacity: true)
            for py in y0...y1 {
                let dy = Double(py) - y
                for px in x0...x1 {
                    let dx = Double(px) - x
                    spatial.append(Float(exp(-0.5 * (ixx * dx * dx + 2 * ixy * dx * dy + iyy * dy * dy))))
                }
            }
            let chi0 = component.angle * SkyMath.degree
            for c in 0..<nchan {
                let attenuation = primaryBeam.response(distance: distance, frequency: frequencies[c])
                let stokesI = peak * pow(frequencies[c] / p.referenceFrequency, component.spectralIndex) * attenuation
                let chi = 2 * (chi0 + component.rm * lambdaSquared[c])
                let polarised = component.fractionalPolarisation * stokesI
                spectrum[0][c] = Float(stokesI)
                spectrum[1][c] = Float(polarised * cos(chi))
                spectrum[2][c] = Float(polarised * sin(chi))
            }
            for s in 0..<3 {
                cubes[s].withUnsafeMutableBufferPointer { cube in
                    for c in 0..<nchan {
                        let amplitude = spectrum[s][c]
                        let plane = c * planes
                        for (row, py) in (y0...y1).enumerated() {
                            let base = plane + py * n + x0
                            let from = row * width
                            for k in 0..<width { cube[base + k] += amplitude * spatial[from + k] }
                        }
                    }
                }
            }
        }

        // Noise: one sigma per channel (shared by I, Q, U), an independent stream per Stokes.
        var sigmaStream = RandomStream(seed: p.seed, labels: [UInt64(observation.epoch), UInt64(field.index), UInt64(beam.number), 0x51])
        let sigma = (0..<nchan).map { _ in p.channelNoise * (1 + 0.5 * sigmaStream.uniform()) }
        for s in 0..<3 {
            var noise = RandomStream(seed: p.seed, labels: [UInt64(observation.epoch), UInt64(field.index), UInt64(beam.number), UInt64(s)])
            cubes[s].withUnsafeMutableBufferPointer { cube in
                for c in 0..<nchan {
                    let sc = sigma[c]
                    for i in (c * planes)..<((c + 1) * planes) { cube[i] += Float(sc * noise.gaussian()) }
                }
            }
        }
        let shape = [n, n, 1, nchan]
        return Output(header: iHeader, cubes: cubes.map { PixelArray(shape: shape, values: $0) }, channelSigma: sigma)
    }
}

/// `YYYY-MM-DDThh:mm:ss` for a time in MJD seconds.
func isoDate(mjdSeconds: Double) -> String {
    // Unix epoch is MJD 40587.
    var t = time_t((mjdSeconds - 40_587 * 86_400).rounded(.down))
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : String(v) }
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
}
