#if canImport(Glibc)
import Glibc
#endif

/// Renders the I, Q and U cubes (and V with `--stokes-v`) of one beam of one observation:
/// every component as an elliptical Gaussian (intrinsic shape convolved with the circular
/// restoring beam), with a power-law spectrum, Faraday-rotated linear polarisation (and its
/// circular fraction of I in V), attenuated by the beam's primary beam at each frequency,
/// plus Gaussian noise per channel.
struct BeamCubeRenderer {
    let parameters: SurveyParameters
    let sky: SkyModel
    let primaryBeam = GaussianPrimaryBeam()
    /// With `--ionosphere`: each component's modulation per observation (index through
    /// `observationIndex`), applied to its Q and U.
    var ionosphere: SurveyIonosphere?
    var observationIndex: [String: Int] = [:]

    static func observationKey(_ o: SurveyLayout.Observation) -> String { "\(o.epoch)/\(o.field)" }

    struct Output {
        var header: FITSHeader
        /// I, Q, U (and V), each of shape (npix, npix, 1, channels).
        var cubes: [PixelArray<Float>]
        /// Noise per channel (Jy/beam); the weights files hold 1/sigma^2.
        var channelSigma: [Double]
    }

    /// The cube header: WCS (RA---SIN, DEC--SIN, STOKES, FREQ), restoring beam, receptor angle.
    ///
    /// All beams of a field share one celestial grid: the projection centre (CRVAL) is the
    /// field centre, and CRPIX is a whole number of pixels chosen so the beam's pointing
    /// falls within half a pixel of the image centre (0-based pixel npix/2). Cutouts of
    /// different beams of a field therefore mosaic pixel for pixel, without resampling.
    func header(field: SurveyLayout.Field, beam: SurveyLayout.Beam, observation: SurveyLayout.Observation,
                stokes: Int) -> FITSHeader {
        let p = parameters
        let crpix = referencePixel(field: field, beam: beam)
        var h = FITSHeader()
        h.set("BUNIT", .string("Jy/beam"))
        h.set("CTYPE1", .string("RA---SIN"))
        h.set("CRVAL1", .real(field.ra))
        h.set("CDELT1", .real(-p.pixelScale))
        h.set("CRPIX1", .real(crpix.x))
        h.set("CUNIT1", .string("deg"))
        h.set("CTYPE2", .string("DEC--SIN"))
        h.set("CRVAL2", .real(field.dec))
        h.set("CDELT2", .real(p.pixelScale))
        h.set("CRPIX2", .real(crpix.y))
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

    /// FITS CRPIX1/CRPIX2 (1-based, whole numbers) of a beam's image on its field's grid.
    func referencePixel(field: SurveyLayout.Field, beam: SurveyLayout.Beam) -> (x: Double, y: Double) {
        let p = parameters
        var grid = FITSHeader()
        for (key, value) in [("CTYPE1", FITSValue.string("RA---SIN")), ("CTYPE2", .string("DEC--SIN")),
                             ("CRVAL1", .real(field.ra)), ("CRVAL2", .real(field.dec)),
                             ("CDELT1", .real(-p.pixelScale)), ("CDELT2", .real(p.pixelScale)),
                             ("CRPIX1", .real(1)), ("CRPIX2", .real(1))] {
            grid.set(key, value)
        }
        // Pixel of the pointing relative to the field centre's pixel (0, 0).
        let offset = (try? CelestialWCS(header: grid))?.pixel(ra: beam.ra, dec: beam.dec) ?? (0, 0)
        let centre = Double(p.npix / 2)
        return (centre - offset.x.rounded() + 1, centre - offset.y.rounded() + 1)
    }

    func render(field: SurveyLayout.Field, beam: SurveyLayout.Beam,
                observation: SurveyLayout.Observation) throws -> Output {
        let p = parameters
        let n = p.npix
        let planes = n * n
        let nchan = p.channels
        let stokesCount = p.hasStokesV ? 4 : 3
        var cubes = (0..<stokesCount).map { _ in [Float](repeating: 0, count: planes * nchan) }
        let iHeader = header(field: field, beam: beam, observation: observation, stokes: 1)
        let wcs = try CelestialWCS(header: iHeader)

        let frequencies = (0..<nchan).map { p.firstFrequency + Double($0) * p.channelWidth }
        let reach = p.beamPitch * 1.5 + 4 * p.restoringBeam   // image half-diagonal and a margin

        var spectrum = [[Float]](repeating: [Float](repeating: 0, count: nchan), count: stokesCount)
        let modulations = observationIndex[Self.observationKey(observation)].flatMap { ionosphere?.modulation[$0] }
        for (index, component) in sky.components.enumerated() {
            // The primary beam is centred on the beam's pointing (not on CRVAL, the field centre).
            let distance = SkyMath.separation(beam.ra, beam.dec, component.ra, component.dec)
            guard distance < reach, let (x, y) = wcs.pixel(ra: component.ra, dec: component.dec),
                  let footprint = ComponentImage(component: component, x: x, y: y, parameters: p) else { continue }
            for c in 0..<nchan {
                let attenuation = primaryBeam.response(distance: distance, frequency: frequencies[c])
                let model = ComponentImage.stokes(component, frequency: frequencies[c],
                                                  peakPerFlux: footprint.peakPerFlux, parameters: p)
                spectrum[0][c] = Float(model.i * attenuation)
                spectrum[1][c] = Float(model.q * attenuation)
                spectrum[2][c] = Float(model.u * attenuation)
                if stokesCount == 4 { spectrum[3][c] = Float(model.v * attenuation) }
            }
            if let modulations {
                // The ionosphere rotates (and slightly depolarises) what reaches the telescope:
                // P_observed = P_sky x theta.
                guard let theta = modulations[index] else {
                    throw SimulationError.io("--ionosphere: no modulation for \(component.gaussianID) in epoch \(observation.epoch), field \(field.name)")
                }
                for c in 0..<nchan {
                    let q = Double(spectrum[1][c]), u = Double(spectrum[2][c])
                    spectrum[1][c] = Float(q * theta[c].re - u * theta[c].im)
                    spectrum[2][c] = Float(q * theta[c].im + u * theta[c].re)
                }
            }
            let (x0, y0, width) = (footprint.x0, footprint.y0, footprint.width)
            for s in 0..<stokesCount {
                cubes[s].withUnsafeMutableBufferPointer { cube in
                    footprint.spatial.withUnsafeBufferPointer { spatial in
                        for c in 0..<nchan {
                            let amplitude = spectrum[s][c]
                            let plane = c * planes
                            for row in 0..<footprint.height {
                                let base = plane + (y0 + row) * n + x0
                                let from = row * width
                                for k in 0..<width { cube[base + k] += amplitude * spatial[from + k] }
                            }
                        }
                    }
                }
            }
        }

        // Noise: one sigma per channel (shared by I, Q, U, V), an independent stream per Stokes.
        var sigmaStream = RandomStream(seed: p.seed, labels: [UInt64(observation.epoch), UInt64(field.index), UInt64(beam.number), 0x51])
        let sigma = (0..<nchan).map { _ in p.channelNoise * (1 + 0.5 * sigmaStream.uniform()) }
        for s in 0..<stokesCount {
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
