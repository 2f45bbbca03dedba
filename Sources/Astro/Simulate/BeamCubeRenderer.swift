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

    /// One component as the beam sees it: its footprint on the grid and its I, Q, U (V)
    /// amplitude per channel (`spectrum[s * channels + c]`), primary beam and ionosphere applied.
    struct DrawnComponent {
        let footprint: ComponentImage
        let spectrum: [Float]
    }

    /// Writes the beam's I, Q, U (and V) cubes to `paths` (one per Stokes, in that order),
    /// each with `header(... stokes: s + 1)`, channel plane by channel plane: memory holds one
    /// plane and the components' spectra, whatever the cube's size. Returns the noise per
    /// channel (Jy/beam; the weights files hold 1/sigma^2). The same values, to the bit, as
    /// drawing the whole cube at once: per pixel the components are added in the same order,
    /// then the noise, from the same stream in the same order.
    func writeCubes(field: SurveyLayout.Field, beam: SurveyLayout.Beam, observation: SurveyLayout.Observation,
                    paths: [String]) throws -> [Double] {
        let p = parameters
        let n = p.npix, planes = n * n, nchan = p.channels
        let stokesCount = p.hasStokesV ? 4 : 3
        precondition(paths.count == stokesCount)
        let components = try drawnComponents(field: field, beam: beam, observation: observation)

        // Noise: one sigma per channel (shared by I, Q, U, V), an independent stream per Stokes.
        var sigmaStream = RandomStream(seed: p.seed, labels: [UInt64(observation.epoch), UInt64(field.index), UInt64(beam.number), 0x51])
        let sigma = (0..<nchan).map { _ in p.channelNoise * (1 + 0.5 * sigmaStream.uniform()) }
        var plane = [Float](repeating: 0, count: planes)
        for s in 0..<stokesCount {
            let cube = try FITSImageStream.create(paths[s], shape: [n, n, 1, nchan],
                                                  header: header(field: field, beam: beam, observation: observation, stokes: s + 1))
            var noise = RandomStream(seed: p.seed, labels: [UInt64(observation.epoch), UInt64(field.index), UInt64(beam.number), UInt64(s)])
            var batch = FITSImageStream.Batch(cube, capacity: max(planes, FITSImageStream.Batch.defaultCapacity))
            for c in 0..<nchan {
                plane.withUnsafeMutableBufferPointer { image in
                    image.update(repeating: 0)
                    for drawn in components {
                        let amplitude = drawn.spectrum[s * nchan + c]
                        let f = drawn.footprint
                        f.spatial.withUnsafeBufferPointer { spatial in
                            for row in 0..<f.height {
                                let base = (f.y0 + row) * n + f.x0, from = row * f.width
                                for k in 0..<f.width { image[base + k] += amplitude * spatial[from + k] }
                            }
                        }
                    }
                    let sc = sigma[c]
                    for i in 0..<planes { image[i] += Float(sc * noise.gaussian()) }
                }
                try batch.append(at: c * planes, count: planes) { target in
                    plane.withUnsafeBufferPointer { target.baseAddress!.update(from: $0.baseAddress!, count: planes) }
                }
            }
            try batch.flush()
            try cube.commit()
        }
        return sigma
    }

    /// The components within reach of the beam, with their spectra.
    func drawnComponents(field: SurveyLayout.Field, beam: SurveyLayout.Beam,
                         observation: SurveyLayout.Observation) throws -> [DrawnComponent] {
        let p = parameters
        let nchan = p.channels
        let stokesCount = p.hasStokesV ? 4 : 3
        let wcs = try CelestialWCS(header: header(field: field, beam: beam, observation: observation, stokes: 1))
        let frequencies = (0..<nchan).map { p.firstFrequency + Double($0) * p.channelWidth }
        let reach = p.beamPitch * 1.5 + 4 * p.restoringBeam   // image half-diagonal and a margin
        let modulations = observationIndex[Self.observationKey(observation)].flatMap { ionosphere?.modulation[$0] }
        var drawn: [DrawnComponent] = []
        for (index, component) in sky.components.enumerated() {
            // The primary beam is centred on the beam's pointing (not on CRVAL, the field centre).
            let distance = SkyMath.separation(beam.ra, beam.dec, component.ra, component.dec)
            guard distance < reach, let (x, y) = wcs.pixel(ra: component.ra, dec: component.dec),
                  let footprint = ComponentImage(component: component, x: x, y: y, parameters: p) else { continue }
            var spectrum = [Float](repeating: 0, count: stokesCount * nchan)
            for c in 0..<nchan {
                let attenuation = primaryBeam.response(distance: distance, frequency: frequencies[c])
                let model = ComponentImage.stokes(component, frequency: frequencies[c],
                                                  peakPerFlux: footprint.peakPerFlux, parameters: p)
                spectrum[c] = Float(model.i * attenuation)
                spectrum[nchan + c] = Float(model.q * attenuation)
                spectrum[2 * nchan + c] = Float(model.u * attenuation)
                if stokesCount == 4 { spectrum[3 * nchan + c] = Float(model.v * attenuation) }
            }
            if let modulations {
                // The ionosphere rotates (and slightly depolarises) what reaches the telescope:
                // P_observed = P_sky x theta.
                guard let theta = modulations[index] else {
                    throw SimulationError.io("--ionosphere: no modulation for \(component.gaussianID) in epoch \(observation.epoch), field \(field.name)")
                }
                for c in 0..<nchan {
                    let q = Double(spectrum[nchan + c]), u = Double(spectrum[2 * nchan + c])
                    spectrum[nchan + c] = Float(q * theta[c].re - u * theta[c].im)
                    spectrum[2 * nchan + c] = Float(q * theta[c].im + u * theta[c].re)
                }
            }
            drawn.append(DrawnComponent(footprint: footprint, spectrum: spectrum))
        }
        return drawn
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
