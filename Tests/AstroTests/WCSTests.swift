import Foundation
import Testing
@testable import Astro

/// A header to test, with its image size (pixels per celestial axis).
struct WCSCase: Sendable, CustomTestStringConvertible {
    let name: String
    let header: FITSHeader
    let npix: Int
    var testDescription: String { name }

    /// A 4-D cube header like ASKAP's: RA, DEC, STOKES, FREQ, CRPIX near the centre.
    static func cube(_ name: String, _ code: String, ra: Double, dec: Double, npix: Int, cdelt: Double,
                     frame: (String, String) = ("RA", "DEC"), extra: [FITSCard] = []) -> WCSCase {
        func ctype(_ coordinate: String) -> String {
            coordinate.padding(toLength: 4, withPad: "-", startingAt: 0) + "-" + code
        }
        var cards = [
            FITSCard("SIMPLE", .logical(true)), FITSCard("BITPIX", .integer(-32)),
            FITSCard("NAXIS", .integer(4)), FITSCard("NAXIS1", .integer(npix)),
            FITSCard("NAXIS2", .integer(npix)), FITSCard("NAXIS3", .integer(1)),
            FITSCard("NAXIS4", .integer(288)),
            FITSCard("CTYPE1", .string(ctype(frame.0))), FITSCard("CRVAL1", .real(ra)),
            FITSCard("CDELT1", .real(-cdelt)), FITSCard("CRPIX1", .real(Double(npix / 2) + 1)),
            FITSCard("CUNIT1", .string("deg")),
            FITSCard("CTYPE2", .string(ctype(frame.1))), FITSCard("CRVAL2", .real(dec)),
            FITSCard("CDELT2", .real(cdelt)), FITSCard("CRPIX2", .real(Double(npix / 2) + 0.5)),
            FITSCard("CUNIT2", .string("deg")),
            FITSCard("CTYPE3", .string("STOKES")), FITSCard("CRVAL3", .real(1)),
            FITSCard("CDELT3", .real(1)), FITSCard("CRPIX3", .real(1)), FITSCard("CUNIT3", .string("")),
            FITSCard("CTYPE4", .string("FREQ")), FITSCard("CRVAL4", .real(1.3675e9)),
            FITSCard("CDELT4", .real(1e6)), FITSCard("CRPIX4", .real(1)), FITSCard("CUNIT4", .string("Hz")),
        ]
        if frame.0 == "RA" {
            cards += [FITSCard("RADESYS", .string("FK5")), FITSCard("EQUINOX", .real(2000))]
        }
        return WCSCase(name: name, header: FITSHeader(cards + extra), npix: npix)
    }

    static let fine = 2.5 / 3600  // ASKAP: 2.5 arcsec pixels
    static let coarse = 0.03      // the simulator's pixels

    static let all: [WCSCase] = [
        cube("SIN 2048 dec -45", "SIN", ra: 150.2, dec: -45.3, npix: 2048, cdelt: fine),
        cube("SIN 2048 dec -80", "SIN", ra: 20.5, dec: -80.1, npix: 2048, cdelt: fine),
        cube("SIN 2048 dec +30 RA wrap", "SIN", ra: 359.9, dec: 30.2, npix: 2048, cdelt: fine),
        cube("TAN 2048 dec -80", "TAN", ra: 300.7, dec: -79.9, npix: 2048, cdelt: fine),
        cube("TAN 2048 dec +30 RA wrap", "TAN", ra: 0.1, dec: 29.8, npix: 2048, cdelt: fine),
        cube("SIN 64 dec -30 coarse", "SIN", ra: 45, dec: -30, npix: 64, cdelt: coarse),
        cube("SIN 128 dec -80 coarse RA wrap", "SIN", ra: 0, dec: -80, npix: 128, cdelt: coarse),
        cube("TAN 100 dec +30 coarse RA wrap", "TAN", ra: 359.5, dec: 30, npix: 100, cdelt: coarse),
        cube("SIN 2048 PC rotation 25 deg", "SIN", ra: 210, dec: -60, npix: 2048, cdelt: fine, extra: [
            FITSCard("PC1_1", .real(cos(25 * .pi / 180))), FITSCard("PC1_2", .real(-sin(25 * .pi / 180))),
            FITSCard("PC2_1", .real(sin(25 * .pi / 180))), FITSCard("PC2_2", .real(cos(25 * .pi / 180))),
        ]),
        cube("TAN 96 CD matrix with skew", "TAN", ra: 80, dec: -45, npix: 96, cdelt: coarse, extra: [
            FITSCard("CD1_1", .real(-0.029)), FITSCard("CD1_2", .real(0.004)),
            FITSCard("CD2_1", .real(0.006)), FITSCard("CD2_2", .real(0.031)),
        ]),
        cube("SIN 80 LONPOLE 150 dec +30", "SIN", ra: 120, dec: 30, npix: 80, cdelt: coarse,
             extra: [FITSCard("LONPOLE", .real(150))]),
        cube("TAN 2048 CROTA2 20", "TAN", ra: 10, dec: -10, npix: 2048, cdelt: fine,
             extra: [FITSCard("CROTA2", .real(20))]),
        cube("SIN 128 slant PV2_1 PV2_2", "SIN", ra: 250, dec: -50, npix: 128, cdelt: coarse, extra: [
            FITSCard("PV2_1", .real(0.1)), FITSCard("PV2_2", .real(-0.839)),
        ]),
        cube("TAN 64 galactic", "TAN", ra: 359.8, dec: 0.5, npix: 64, cdelt: coarse, frame: ("GLON", "GLAT")),
        cube("TAN 128 north pole", "TAN", ra: 30, dec: 90, npix: 128, cdelt: coarse),
        WCSCase(name: "SIN 120 axes FREQ, DEC, RA", header: FITSHeader([
            FITSCard("NAXIS", .integer(3)), FITSCard("NAXIS1", .integer(16)),
            FITSCard("NAXIS2", .integer(120)), FITSCard("NAXIS3", .integer(120)),
            FITSCard("CTYPE1", .string("FREQ")), FITSCard("CRVAL1", .real(8.88e8)),
            FITSCard("CDELT1", .real(1e6)), FITSCard("CRPIX1", .real(1)),
            FITSCard("CTYPE2", .string("DEC--SIN")), FITSCard("CRVAL2", .real(-35)),
            FITSCard("CDELT2", .real(coarse)), FITSCard("CRPIX2", .real(60.5)),
            FITSCard("CTYPE3", .string("RA---SIN")), FITSCard("CRVAL3", .real(5)),
            FITSCard("CDELT3", .real(-coarse)), FITSCard("CRPIX3", .real(61)),
        ]), npix: 120),
    ]
}

/// Largest differences between this code and astropy, in pixels.
struct AstropyComparison {
    var skyToPixel = 0.0
    var pixelToSky = 0.0
}

@Suite struct WCSTests {
    static let points = 1000

    /// Random 0-based pixels covering the image (pixel edges included).
    static func randomPixels(_ npix: Int, seed: UInt64) -> [(x: Double, y: Double)] {
        var rng = RandomStream(seed: seed)
        let range = -0.5...(Double(npix) - 0.5)
        return (0..<points).map { _ in (Double.random(in: range, using: &rng), Double.random(in: range, using: &rng)) }
    }

    /// Angle between two sky positions, degrees.
    static func separation(_ a: (ra: Double, dec: Double), _ b: (ra: Double, dec: Double)) -> Double {
        func vector(_ p: (ra: Double, dec: Double)) -> SIMD3<Double> {
            let ra = p.ra * .pi / 180, dec = p.dec * .pi / 180
            return SIMD3(cos(dec) * cos(ra), cos(dec) * sin(ra), sin(dec))
        }
        let u = vector(a), v = vector(b)
        let cross = SIMD3(u.y * v.z - u.z * v.y, u.z * v.x - u.x * v.z, u.x * v.y - u.y * v.x)
        return atan2((cross * cross).sum().squareRoot(), (u * v).sum()) * 180 / .pi
    }

    /// Compares this code on `testCase.header` with astropy on `astropyHeader`
    /// (the same header unless a test perturbs it), both ways, in one Python run.
    static func compare(_ testCase: WCSCase, astropyHeader: FITSHeader? = nil) throws -> AstropyComparison {
        try #require(Astropy.unavailable == nil, "\(Astropy.unavailable ?? ""): \(Astropy.installHint)")
        let wcs = try CelestialWCS(header: testCase.header)
        let seed = UInt64(truncatingIfNeeded: testCase.name.utf8.reduce(5381) { $0 &* 33 &+ Int($1) })
        let pixels = randomPixels(testCase.npix, seed: seed)
        let skyPoints = try randomPixels(testCase.npix, seed: seed &+ 1).map { p in
            try #require(wcs.sky(x: p.x, y: p.y))
        }
        let astropy = try Astropy.transform(header: astropyHeader ?? testCase.header,
                                            pix2world: pixels, world2pix: skyPoints)
        try #require(astropy.world.count == points && astropy.pixels.count == points)

        var result = AstropyComparison()
        for (p, theirs) in zip(pixels, astropy.world) {
            let ours = try #require(wcs.sky(x: p.x, y: p.y))
            #expect((0..<360).contains(ours.ra))
            guard let theirs, theirs.count == 2 else { result.pixelToSky = .infinity; continue }
            let error = separation(ours, (theirs[0], theirs[1])) / wcs.pixelScale
            result.pixelToSky = max(result.pixelToSky, error)
        }
        for (s, theirs) in zip(skyPoints, astropy.pixels) {
            let ours = try #require(wcs.pixel(ra: s.ra, dec: s.dec))
            guard let theirs, theirs.count == 2 else { result.skyToPixel = .infinity; continue }
            let error = ((ours.x - theirs[0]) * (ours.x - theirs[0]) + (ours.y - theirs[1]) * (ours.y - theirs[1])).squareRoot()
            result.skyToPixel = max(result.skyToPixel, error)
        }
        return result
    }

    @Test(arguments: WCSCase.all)
    func agreesWithAstropy(_ testCase: WCSCase) throws {
        let errors = try Self.compare(testCase)
        print(String(format: "WCS vs astropy, %@: sky→pixel %.2e px, pixel→sky %.2e px",
                     testCase.name, errors.skyToPixel, errors.pixelToSky))
        #expect(errors.skyToPixel < 1e-6)
        #expect(errors.pixelToSky < 1e-6)
    }

    /// The comparison can fail: astropy reading a header with CDELT1's sign flipped,
    /// or LONPOLE 10° off, disagrees by many pixels.
    @Test func perturbedHeaderDisagreesWithAstropy() throws {
        let testCase = WCSCase.all[0]
        var flipped = testCase.header
        flipped.set("CDELT1", .real(-(testCase.header.double("CDELT1") ?? 0)))
        let errors = try Self.compare(testCase, astropyHeader: flipped)
        #expect(errors.skyToPixel > 100)
        #expect(errors.pixelToSky > 100)

        var rotated = testCase.header
        rotated.set("LONPOLE", .real(170))
        let rotatedErrors = try Self.compare(testCase, astropyHeader: rotated)
        #expect(rotatedErrors.skyToPixel > 10)
        #expect(rotatedErrors.pixelToSky > 10)
    }

    @Test(arguments: WCSCase.all)
    func pixelSkyPixelRoundTrip(_ testCase: WCSCase) throws {
        let wcs = try CelestialWCS(header: testCase.header)
        var worst = 0.0
        for p in Self.randomPixels(testCase.npix, seed: 7) {
            let sky = try #require(wcs.sky(x: p.x, y: p.y))
            let back = try #require(wcs.pixel(ra: sky.ra, dec: sky.dec))
            worst = max(worst, abs(back.x - p.x), abs(back.y - p.y))
        }
        #expect(worst < 1e-8)
    }

    @Test(arguments: WCSCase.all)
    func referencePixelIsCRVAL(_ testCase: WCSCase) throws {
        let wcs = try CelestialWCS(header: testCase.header)
        let header = testCase.header
        let crval = (ra: try #require(header.double("CRVAL\(wcs.axes.longitude)")),
                     dec: try #require(header.double("CRVAL\(wcs.axes.latitude)")))
        let sky = try #require(wcs.sky(x: wcs.referencePixel.x, y: wcs.referencePixel.y))
        #expect(Self.separation(sky, crval) < 1e-12)
        if abs(crval.dec) < 90 { #expect(abs(sky.ra - crval.ra.truncatingRemainder(dividingBy: 360)) < 1e-9) }
        let pixel = try #require(wcs.pixel(ra: crval.ra, dec: crval.dec))
        #expect(abs(pixel.x - wcs.referencePixel.x) < 1e-9 && abs(pixel.y - wcs.referencePixel.y) < 1e-9)
        let xAxis = min(wcs.axes.longitude, wcs.axes.latitude)
        #expect(wcs.referencePixel.x == (header.double("CRPIX\(xAxis)") ?? 0) - 1)
    }

    @Test func askapCubeAxesAndScale() throws {
        let wcs = try CelestialWCS(header: WCSCase.all[0].header)
        #expect(wcs.axes == (1, 2))
        #expect(wcs.projection == "SIN")
        #expect(wcs.frame == .equatorial)
        #expect(abs(wcs.pixelScale - WCSCase.fine) < 1e-15)
        #expect(wcs.reference == (150.2, -45.3))
        #expect(wcs.referencePixel == (1024, 1023.5))
        #expect(wcs.lonpole == 180)

        let swapped = try CelestialWCS(header: WCSCase.all.last!.header)
        #expect(swapped.axes == (3, 2))
        #expect(swapped.referencePixel == (59.5, 60))
        #expect(try CelestialWCS(header: WCSCase.all[14].header).lonpole == 0)  // CRVAL2 = 90

        let cd = try CelestialWCS(header: WCSCase.all[9].header)
        #expect(abs(cd.pixelScale - (0.029 * 0.031 + 0.004 * 0.006).squareRoot()) < 1e-15)
    }

    @Test func outsideTheProjectionIsNil() throws {
        let sin = try CelestialWCS(header: WCSCase.all[5].header)  // SIN, CRVAL (45, -30), 0.03 deg/pixel
        #expect(sin.pixel(ra: 225, dec: 30) == nil)        // antipode
        #expect(sin.pixel(ra: 45, dec: 60.5) == nil)       // 90.5° away
        #expect(sin.pixel(ra: 45, dec: 59.5) != nil)       // 89.5° away
        #expect(sin.pixel(ra: 45, dec: 91) == nil)
        #expect(sin.pixel(ra: .nan, dec: 0) == nil)
        let limb = 180 / Double.pi / 0.03                  // 1 radian of plane, in pixels
        #expect(sin.sky(x: sin.referencePixel.x + limb * 0.999, y: sin.referencePixel.y) != nil)
        #expect(sin.sky(x: sin.referencePixel.x + limb * 1.001, y: sin.referencePixel.y) == nil)

        let tan = try CelestialWCS(header: WCSCase.all[7].header)  // TAN, CRVAL (359.5, 30)
        #expect(tan.pixel(ra: 179.5, dec: -30) == nil)
        #expect(tan.pixel(ra: 359.5, dec: 30 - 89.999) != nil)
        #expect(tan.pixel(ra: 359.5, dec: 30 - 90.001) == nil)
        #expect(tan.sky(x: 1e9, y: -1e9) != nil)           // TAN covers the whole plane
    }

    static func errorMessage(_ header: FITSHeader) -> String? {
        do {
            _ = try CelestialWCS(header: header)
            return nil
        } catch {
            return "\(error)"
        }
    }

    static func askap(_ change: (inout FITSHeader) -> Void) -> FITSHeader {
        var header = WCSCase.all[0].header
        change(&header)
        return header
    }

    /// wcslib decides what a header means; its refusals name the keyword or the axes, and
    /// what it would silently default or ignore is refused here instead.
    @Test func errorsNameTheKeyword() {
        // Missing CRVAL and CRPIX take the standard's default, 0, as wcslib and astropy do.
        #expect(Self.errorMessage(Self.askap { $0.remove("CRVAL2") }) == nil)
        // Any projection wcslib knows works.
        #expect(Self.errorMessage(Self.askap {
            $0.set("CTYPE1", .string("RA---ZEA")); $0.set("CTYPE2", .string("DEC--ZEA"))
        }) == nil)
        #expect(Self.errorMessage(Self.askap { $0.set("CUNIT1", .string("rad")) }) == nil)   // converted to degrees
        #expect(Self.errorMessage(Self.askap { $0.set("CTYPE2", .string("DEC--TAN")) })?
            .hasPrefix("Inconsistent projection types (expected DEC--SIN, got DEC--TAN in CTYPE2)") == true)
        #expect(Self.errorMessage(Self.askap { $0.set("CTYPE2", .string("FREQ")) }) == "Unmatched celestial axes (CTYPE1 'RA---SIN', CTYPE2 'FREQ', CTYPE3 'STOKES', CTYPE4 'FREQ')")
        #expect(Self.errorMessage(Self.askap { $0.set("CTYPE1", .string("GLON-SIN")) })?.contains("got DEC--SIN in CTYPE2") == true)
        #expect(Self.errorMessage(Self.askap {
            $0.set("CTYPE1", .string("STOKES")); $0.set("CTYPE2", .string("FREQ")); $0.set("CUNIT1", .string("")); $0.set("CUNIT2", .string("Hz"))
        }) == "no celestial axes: no CTYPEi is RA/DEC, GLON/GLAT, ELON/ELAT or SLON/SLAT")
        #expect(Self.errorMessage(Self.askap { $0.set("CRVAL2", .real(95)) }) == "CRVAL2 95.0: a latitude must be within [-90, 90]")
        // A card wcslib cannot read would silently be its default: refused, named.
        #expect(Self.errorMessage(Self.askap { $0.set("CRVAL1", .string("x")) }) == "CRVAL1 'x': wcslib rejected it: a floating-point value was expected")
        #expect(Self.errorMessage(Self.askap { $0.set("CDELT2", .real(0)) })?.contains("singular") == true)
        // Distortions wcslib would ignore are refused by keyword.
        #expect(Self.errorMessage(Self.askap { $0.set("CPDIS1", .string("Lookup")) })
            == "CPDIS1: lookup-table distortion ('Lookup') is not supported; refusing the header rather than ignoring the distortion")
        #expect(Self.errorMessage(Self.askap { $0.set("D2IMDIS1", .string("Lookup")) })?.hasPrefix("D2IMDIS1: detector-to-image lookup table") == true)
        #expect(Self.errorMessage(Self.askap { $0.set("CTYPE4", .string("FREQ-TAB")) })?.hasPrefix("CTYPE4: a coordinate lookup table (-TAB") == true)
    }

    /// What wcsfix repairs is said, as astropy warns: a legacy PC00i00j matrix, NCP.
    @Test func fixesAreReported() throws {
        let legacy = Self.askap {
            $0.set("CTYPE1", .string("RA---NCP")); $0.set("CTYPE2", .string("DEC--NCP"))
            $0.set("CUNIT1", .string("DEG"))
        }
        let wcs = try CelestialWCS(header: legacy)
        #expect(wcs.projection == "SIN")
        #expect(wcs.fixes.contains { $0.contains("NCP") }, "\(wcs.fixes)")
        #expect(wcs.fixes.contains { $0.contains("DEG") }, "\(wcs.fixes)")
        #expect(try CelestialWCS(header: WCSCase.all[0].header).fixes.isEmpty)
    }

    @Test func spectralAxis() throws {
        var header = WCSCase.all[0].header
        header.set("CRVAL4", .real(1367.5))
        header.set("CUNIT4", .string("MHz"))
        header.set("CDELT4", .real(1))
        let spectral = try SpectralAxis(header: header)
        #expect(spectral.axis == 4)
        #expect(spectral.count == 288)
        #expect(spectral.frequency(channel: 0) == 1.3675e9)
        #expect(spectral.frequency(channel: 10) == 1.3775e9)
        #expect(spectral.frequencies(count: 3) == [1.3675e9, 1.3685e9, 1.3695e9])
        #expect(spectral.channel(frequency: 1.3775e9) == 10)
        #expect(spectral.channelWidth == 1e6)

        header.set("CRPIX4", .real(144.5))
        header.set("CUNIT4", .string("GHz"))
        header.set("CRVAL4", .real(1.4))
        header.set("CDELT4", .real(-0.001))
        let centred = try SpectralAxis(header: header)
        #expect(abs(centred.frequency(channel: 143) - 1.4005e9) < 1e-3)
        #expect(abs(centred.channel(frequency: 1.4e9) - 143.5) < 1e-9)
        #expect(abs(centred.frequency(channel: 0) - 1.5435e9) < 1e-3)

        header.remove("CUNIT4")
        #expect(try SpectralAxis(header: header).referenceFrequency == 1.4)  // Hz by default

        header.set("CUNIT4", .string("m/s"))
        #expect(throws: WCSError.self) { try SpectralAxis(header: header) }
        #expect(Self.spectralError(header)?.hasPrefix("In CUNIT4 : Mismatched units type 'length': have 'm/s', want 'Hz'") == true)
        header.set("CTYPE4", .string("VRAD"))
        #expect(throws: WCSError.noAxis("FREQ")) { try SpectralAxis(header: header) }
        #expect(WCSError.noAxis("FREQ").description == "no FREQ axis: no CTYPEi is 'FREQ'")
    }

    static func spectralError(_ header: FITSHeader) -> String? {
        do { _ = try SpectralAxis(header: header); return nil } catch { return "\(error)" }
    }

    @Test func stokesAxis() throws {
        var header = WCSCase.all[0].header
        header.set("NAXIS3", .integer(4))
        let stokes = try #require(try StokesAxis(header: header))
        #expect(stokes.axis == 3)
        #expect(stokes.parameters == [.i, .q, .u, .v])
        #expect(stokes.pixel(of: .u) == 2)
        #expect(stokes.pixel(of: .xx) == nil)
        #expect(stokes.parameter(at: 4) == nil)

        header.set("CRVAL3", .real(-5))
        header.set("CDELT3", .real(-1))
        let linear = try #require(try StokesAxis(header: header))
        #expect(linear.parameters == [.xx, .yy, .xy, .yx])

        header.set("CTYPE3", .string("FREQ2"))
        #expect(try StokesAxis(header: header) == nil)
    }
}

extension WCSTests {
    /// Over the whole sphere, this code and astropy agree on which points project
    /// (SIN: the near hemisphere, or the slanted one; TAN: θ > 0) and where.
    @Test(arguments: [WCSCase.all[5], WCSCase.all[7], WCSCase.all[12]])
    func domainAgreesWithAstropy(_ testCase: WCSCase) throws {
        try #require(Astropy.unavailable == nil, "\(Astropy.unavailable ?? ""): \(Astropy.installHint)")
        let wcs = try CelestialWCS(header: testCase.header)
        var rng = RandomStream(seed: 11)
        let sky = (0..<Self.points).map { _ in
            (ra: Double.random(in: 0..<360, using: &rng), dec: asin(Double.random(in: -1...1, using: &rng)) * 180 / .pi)
        }
        let astropy = try Astropy.transform(header: testCase.header, pix2world: [], world2pix: sky)
        var mismatches = 0, projected = 0
        for (s, theirs) in zip(sky, astropy.pixels) {
            let ours = wcs.pixel(ra: s.ra, dec: s.dec)
            if ours != nil { projected += 1 }
            switch (ours, theirs) {
            case (nil, nil): break
            case let (ours?, theirs?) where theirs.count == 2:
                let error = ((ours.x - theirs[0]) * (ours.x - theirs[0]) + (ours.y - theirs[1]) * (ours.y - theirs[1])).squareRoot()
                let scale = max(1, (ours.x * ours.x + ours.y * ours.y).squareRoot())
                if error / scale > 1e-9 { mismatches += 1; print("differs at \(s): ours \(ours), astropy \(theirs)") }
            default:
                mismatches += 1
                print("domain differs at \(s): ours \(String(describing: ours)), astropy \(String(describing: theirs))")
            }
        }
        #expect((300...700).contains(projected), "about half the sphere projects")
        #expect(mismatches == 0)
    }
}
