import Astro
import Foundation
import XCTest

/// `arrakis rmsynth3d` against RM-Tools 1.5.0's rmsynth3d and rmclean3d on RM-Tools' own 3D
/// QA cubes and on a flagged cube with Stokes I and variance weights (outputs committed in
/// Support/rmtools-qa-3d, made by Support/make_rmtools_3d_outputs.py and compared by
/// Support/compare_rmtools_3d.py with astropy), on a simulated extended source with a
/// known RM gradient, and on bad input.
final class RMSynth3DCommandTests: XCTestCase {
    static let data = repositoryRoot + "/Tests/CLITests/Support/rmtools-qa-3d"

    // MARK: - Acceptance 1: RM-Tools' outputs, every file, values and headers

    /// RM-Tools' QA: `rmsynth3d Q_cube.fits U_cube.fits freqHz.txt -l 300 -d 10`, then
    /// `rmclean3d FDF_tot_dirty.fits RMSF_tot.fits -n 10` (cutoff 1, its default).
    func testRMToolsQACubesGiveRMToolsOutputs() throws {
        let out = try scratchDirectory(self)
        let r = try arrakis(["rmsynth3d", "Q_cube.fits", "U_cube.fits", "--freq", "freqHz.txt", "--phi-max", "300", "--dphi", "10",
                             "--clean", "--max-iter", "10", "--out-prefix", out + "/"], in: Self.data + "/qa")
        XCTAssertEqual(r.status, 0, r.stderr)
        try compareWithRMTools3D(case: "qa", outputs: out)
    }

    /// Flagged voxels (a whole plane, single voxels in Q or U, a pixel flagged everywhere),
    /// a Stokes I cube, variance weights, RMSF fits per pixel and a windowed CLEAN: `rmsynth3d ...
    /// -i I_cube.fits -n noise.txt -w variance -s 4 -l 400 -t`, `rmclean3d ... -c 0.3 -n 40 -w 0.1 -g 0.2`.
    func testFlaggedCubesWithStokesIAndVarianceWeightsGiveRMToolsOutputs() throws {
        let out = try scratchDirectory(self)
        let r = try arrakis(["rmsynth3d", "Q_cube.fits", "U_cube.fits", "I_cube.fits", "--freq", "freqHz.txt",
                             "--noise", "noise.txt", "--weight", "variance", "--samples", "4", "--phi-max", "400", "--fit-rmsf",
                             "--clean", "--cutoff", "0.3", "--max-iter", "40", "--window", "0.1", "--gain", "0.2",
                             "--out-prefix", out + "/"], in: Self.data + "/masked")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("3 pixels with their own RMSF"), r.stderr)
        try compareWithRMTools3D(case: "masked", outputs: out)
    }

    /// A beam of the simulator (4-D cubes: x, y, Stokes, frequency), as the original pipeline
    /// runs rmsynth3d (no Stokes I, the RMSF fitted: -t), rmsynth3d's defaults and the
    /// frequencies from the cube's WCS; `rmclean3d ... -c 0.0006 -n 100`.
    func testSimulatedBeamGivesRMToolsOutputs() throws {
        let out = try scratchDirectory(self)
        let r = try arrakis(["rmsynth3d", "Q_cube.fits", "U_cube.fits", "--fit-rmsf", "--clean", "--cutoff", "0.0006", "--max-iter", "100",
                             "--out-prefix", out + "/"], in: Self.data + "/simulated")
        XCTAssertEqual(r.status, 0, r.stderr)
        try compareWithRMTools3D(case: "simulated", outputs: out)
    }

    /// Slabs change nothing but float rounding: the QA cubes in slabs of 3 rows on one thread,
    /// frequencies from the cube's WCS, give the same products as one slab on every core with
    /// the frequency file (to 1e-5 of each file's peak: OpenBLAS may order a product's sums
    /// differently for a different number of pixels), the same peak maps and iteration counts.
    func testSlabsAndThreadsGiveTheSameProducts() throws {
        let one = try scratchDirectory(self), many = try scratchDirectory(self)
        let common = ["rmsynth3d", "Q_cube.fits", "U_cube.fits", "--phi-max", "300", "--dphi", "10", "--clean", "--max-iter", "10"]
        var r = try arrakis(common + ["--freq", "freqHz.txt", "--out-prefix", one + "/"], in: Self.data + "/qa")
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try arrakis(common + ["--max-memory", "1", "-j", "1", "--out-prefix", many + "/"], in: Self.data + "/qa")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("4 slabs of 3 rows"), r.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: one).sorted()
        XCTAssertEqual(names.count, 18)
        for name in names {
            let a = try FITSFile.open(one + "/" + name), b = try FITSFile.open(many + "/" + name)
            XCTAssertEqual(try a.readHeader(), try b.readHeader(), name)
            let x = try a.readImage(as: Double.self).values, y = try b.readImage(as: Double.self).values
            XCTAssertEqual(x.count, y.count, name)
            if ["FDF_peakRM.fits", "CLEAN_nIter.fits"].contains(name) {
                XCTAssertEqual(x, y, name)
                continue
            }
            let peak = x.map(abs).max() ?? 0
            let worst = zip(x, y).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-5 * peak, name)
        }
    }

    // MARK: - Acceptance 2: a simulated extended source with an RM gradient

    /// A Gaussian blob of polarised emission (peak 0.5 Jy/beam, sigma 5 pixels) whose RM runs
    /// from -40 to +40 rad/m^2 across it, intrinsic angle 30 deg, Gaussian noise 0.1 in Q and
    /// U per channel: the parabola-refined peak Faraday depth is within 3 sigma of the
    /// injected RM in every pixel above 10 sigma (sigma_RM = FWHM / (2 SNR), the 1-D code's
    /// and RM-Tools' formula), and RM-Tools' sampled map within half a step.
    func testExtendedSourceRMGradientIsRecovered() throws {
        let dir = try scratchDirectory(self)
        let cube = ExtendedSourceCubes(width: 24, height: 20, frequencies: (0..<288).map { 800e6 + 1e6 * Double($0) })
        try cube.write(to: dir)
        let r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "--out-prefix", "out_"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        let peak = try FITSFile.open(dir + "/out_FDF_peakRM_fit.fits").readImage(as: Double.self).values
        let sampled = try FITSFile.open(dir + "/out_FDF_peakRM.fits").readImage(as: Double.self).values
        let amplitude = try FITSFile.open(dir + "/out_FDF_maxPI_fit.fits").readImage(as: Double.self).values
        let header = try FITSFile.open(dir + "/out_FDF_real_dirty.fits").readHeader()
        let dPhi = try XCTUnwrap(header.double("CDELT3"))
        let lambdaSquared = cube.frequencies.map { pow(299_792_458.0 / $0, 2) }
        let fwhm = 3.8 / (lambdaSquared.max()! - lambdaSquared.min()!)
        let sigmaFDF = cube.noise / Double(cube.frequencies.count).squareRoot()
        var checked = 0, worst = 0.0
        for y in 0..<cube.height {
            for x in 0..<cube.width {
                let p = y * cube.width + x
                let snr = amplitude[p] / sigmaFDF
                guard snr > 10 else { continue }
                checked += 1
                let sigmaRM = fwhm / (2 * snr)
                let truth = cube.rm(x: x, y: y)
                worst = max(worst, abs(peak[p] - truth) / sigmaRM)
                XCTAssertLessThanOrEqual(abs(peak[p] - truth), 3 * sigmaRM, "pixel (\(x), \(y)): \(peak[p]) against \(truth), SNR \(snr)")
                XCTAssertLessThanOrEqual(abs(sampled[p] - truth), dPhi / 2 + 3 * sigmaRM, "pixel (\(x), \(y)) sampled")
            }
        }
        XCTAssertGreaterThan(checked, 100)
        print("rmsynth3d extended source: \(checked) pixels above 10 sigma, worst |RM - truth| = \(worst) sigma")
    }

    // MARK: - Acceptance 4: bad input

    func testMismatchedCubesAreRefusedNamingTheFile() throws {
        let dir = try scratchDirectory(self)
        let freqs = (0..<16).map { 800e6 + 4e6 * Double($0) }
        let small = ExtendedSourceCubes(width: 8, height: 6, frequencies: freqs)
        try small.write(to: dir)
        try ExtendedSourceCubes(width: 8, height: 7, frequencies: freqs).write(to: dir, prefix: "tall_")
        var shifted = ExtendedSourceCubes(width: 8, height: 6, frequencies: freqs)
        shifted.crval1 = 91
        try shifted.write(to: dir, prefix: "shifted_")

        var r = try arrakis(["rmsynth3d", "Q.fits", "tall_U.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("tall_U.fits: shape 8 x 7 x 16 differs from Q.fits's 8 x 6 x 16"), r.stderr)
        r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "tall_U.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertTrue(r.stderr.contains("tall_U.fits: shape"), r.stderr)
        r = try arrakis(["rmsynth3d", "Q.fits", "shifted_U.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("shifted_U.fits: CRVAL1 = 91"), r.stderr)
        r = try arrakis(["rmsynth3d", "Q.fits", "missing.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("missing.fits"), r.stderr)
        // Nothing half-written.
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix("o_") })
    }

    func testCubesWithoutFrequencyAxisOrWithWrongAxesAreRefused() throws {
        let dir = try scratchDirectory(self)
        let freqs = (0..<16).map { 800e6 + 4e6 * Double($0) }
        var noFreq = ExtendedSourceCubes(width: 8, height: 6, frequencies: freqs)
        noFreq.ctype3 = "VRAD"
        try noFreq.write(to: dir)
        var r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("Q.fits: no frequency axis"), r.stderr)
        XCTAssertTrue(r.stderr.contains("--freq"), r.stderr)
        // With the frequencies given, the last axis is taken as frequency (as rmsynth3d does).
        try (freqs.map { "\($0)" }.joined(separator: "\n") + "\n").write(toFile: dir + "/f.txt", atomically: true, encoding: .utf8)
        r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "--freq", "f.txt", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        // A frequency file of the wrong length, or with a bad value.
        try "1e9\n1.1e9\n".write(toFile: dir + "/short.txt", atomically: true, encoding: .utf8)
        r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "--freq", "short.txt", "--out-prefix", "p_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("short.txt: 2 frequencies for the 16 channels of Q.fits"), r.stderr)
        try "1e9\nabc\n".write(toFile: dir + "/bad.txt", atomically: true, encoding: .utf8)
        r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "--freq", "bad.txt", "--out-prefix", "p_"], in: dir)
        XCTAssertTrue(r.stderr.contains("bad.txt:2: 'abc' is not a number"), r.stderr)
        // A 2-D image.
        let image = try FITSFile.create(dir + "/image.fits")
        try image.writeImage(PixelArray<Float>(shape: [8, 6], repeating: 1))
        try image.commit()
        r = try arrakis(["rmsynth3d", "image.fits", "image.fits", "--freq", "f.txt", "--out-prefix", "p_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("image.fits: 2 axes (8 x 6); a cube needs 3"), r.stderr)
        // Every channel flagged.
        var flagged = ExtendedSourceCubes(width: 8, height: 6, frequencies: freqs)
        flagged.allNaN = true
        try flagged.write(to: dir, prefix: "nan_")
        r = try arrakis(["rmsynth3d", "nan_Q.fits", "nan_U.fits", "--out-prefix", "p_"], in: dir)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("nan_Q.fits: every channel is flagged"), r.stderr)
        // Option combinations.
        r = try arrakis(["rmsynth3d", "Q.fits", "U.fits", "--weight", "variance", "--out-prefix", "p_"], in: dir)
        XCTAssertTrue(r.stderr.contains("--weight variance needs --noise"), r.stderr)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix("p_") })
    }
}

/// Q and U cubes of an extended Faraday-thin source with an RM gradient, and noise.
struct ExtendedSourceCubes {
    var width: Int, height: Int
    var frequencies: [Double]
    var peak = 0.5, sigmaPixels = 5.0, angle0 = 30.0, noise = 0.1
    var rmRange = (-40.0, 40.0)
    var crval1 = 90.0
    var ctype3 = "FREQ"
    var allNaN = false

    init(width: Int, height: Int, frequencies: [Double]) {
        self.width = width; self.height = height; self.frequencies = frequencies
    }

    func rm(x: Int, y: Int) -> Double {
        rmRange.0 + (rmRange.1 - rmRange.0) * Double(x) / Double(max(width - 1, 1))
    }

    func polarisedIntensity(x: Int, y: Int) -> Double {
        let dx = Double(x) - Double(width) / 2, dy = Double(y) - Double(height) / 2
        return peak * exp(-(dx * dx + dy * dy) / (2 * sigmaPixels * sigmaPixels))
    }

    func write(to dir: String, prefix: String = "") throws {
        var rng = RandomStream(seed: 24)
        let n = frequencies.count
        var q = [Float](repeating: 0, count: width * height * n), u = q
        for j in 0..<n {
            let l2 = pow(299_792_458.0 / frequencies[j], 2)
            for y in 0..<height {
                for x in 0..<width {
                    let p = polarisedIntensity(x: x, y: y)
                    let chi = 2 * (angle0 * Double.pi / 180 + rm(x: x, y: y) * l2)
                    let i = (j * height + y) * width + x
                    q[i] = allNaN ? .nan : Float(p * cos(chi) + noise * rng.boxMullerGaussian())
                    u[i] = allNaN ? .nan : Float(p * sin(chi) + noise * rng.boxMullerGaussian())
                }
            }
        }
        var header = FITSHeader()
        for (k, v) in [("CTYPE1", FITSValue.string("RA---SIN")), ("CRVAL1", .real(crval1)), ("CDELT1", .real(-1.0 / 3600)),
                       ("CRPIX1", .real(1)), ("CUNIT1", .string("deg")), ("CTYPE2", .string("DEC--SIN")), ("CRVAL2", .real(0)),
                       ("CDELT2", .real(1.0 / 3600)), ("CRPIX2", .real(1)), ("CUNIT2", .string("deg")),
                       ("CTYPE3", .string(ctype3)), ("CRVAL3", .real(frequencies[0])), ("CDELT3", .real(frequencies[1] - frequencies[0])),
                       ("CRPIX3", .real(1)), ("CUNIT3", .string(ctype3 == "FREQ" ? "Hz" : "m/s")), ("BUNIT", .string("Jy/beam"))] {
            header.set(k, v)
        }
        for (name, values) in [("Q", q), ("U", u)] {
            let file = try FITSFile.create(dir + "/" + prefix + name + ".fits")
            try file.writeImage(PixelArray(shape: [width, height, n], values: values), header: header)
            try file.commit()
        }
    }
}

extension RandomStream {
    /// A normal deviate by Box-Muller from two uniform draws (the noise these cubes were
    /// made with; the stream's own `gaussian()` is Marsaglia's polar method).
    mutating func boxMullerGaussian() -> Double {
        let a = max(uniform(), 1e-300), b = uniform()
        return (-2 * log(a)).squareRoot() * cos(2 * Double.pi * b)
    }
}

/// Every RM-Tools 3-D output of reference case `name` against the same file in `outputs`
/// (Support/compare_rmtools_3d.py, with astropy): values and headers.
func compareWithRMTools3D(case name: String, outputs: String) throws {
    if let why = pythonUnavailable() { throw XCTSkip(why) }
    let r = try runToEnd(pythonProcess([repositoryRoot + "/Tests/CLITests/Support/compare_rmtools_3d.py",
                                        RMSynth3DCommandTests.data + "/" + name, outputs]))
    XCTAssertEqual(r.status, 0, r.stderr)
    let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], r.stdout)
    XCTAssertEqual(report["files"] as? Int, 16, r.stdout)
    XCTAssertEqual((report["failures"] as? [String]) ?? ["(no list)"], [], r.stdout)
    print("rmsynth3d \(name): worst relative differences \(report["worst"] ?? "")")
}

/// python3 (with astropy) running `arguments`.
private func pythonProcess(_ arguments: [String]) -> Process {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3"] + arguments
    return p
}

private func pythonUnavailable() -> String? {
    guard let r = try? runToEnd(pythonProcess(["-c", "import astropy, numpy"])) else { return "cannot run python3" }
    return r.status == 0 ? nil : "python3 cannot import astropy and numpy (run scripts/install-deps.sh --test): \(r.stderr)"
}
