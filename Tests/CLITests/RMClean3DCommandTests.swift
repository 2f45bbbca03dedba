import Astro
import Foundation
import XCTest

/// `arrakis rmclean3d` against RM-Tools 1.5.0's rmclean3d: on RM-Tools' own rmsynth3d
/// files (gzipped, as the reference set stores them), on ours in slabs (the bytes of
/// `rmsynth3d --clean`), and on bad input.
final class RMClean3DCommandTests: XCTestCase {
    static let data = RMSynth3DCommandTests.data

    /// RM-Tools' dirty FDF and RMSF of the flagged case (3 pixels with their own RMSF and
    /// FWHM, variance weights, Stokes I), cleaned as its `rmclean3d ... -c 0.3 -n 40 -w 0.1
    /// -g 0.2`: every clean file agrees with RM-Tools' (with our synthesis files beside them,
    /// the comparison covers all 16).
    func testRMToolsFilesOfTheFlaggedCaseGiveRMToolsCleanOutputs() throws {
        let out = try scratchDirectory(self)
        let dir = Self.data + "/masked"
        var r = try arrakis(["rmsynth3d", "Q_cube.fits", "U_cube.fits", "I_cube.fits", "--freq", "freqHz.txt",
                             "--noise", "noise.txt", "--weight", "variance", "--samples", "4", "--phi-max", "400", "--fit-rmsf",
                             "--out-prefix", out + "/"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try arrakis(["rmclean3d", "FDF_tot_dirty.fits.gz", "RMSF_tot.fits.gz", "-c", "0.3", "-n", "40", "-w", "0.1", "-g", "0.2",
                         "--out-prefix", out + "/"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("arrakis: rmclean3d: 8 x 6 pixels") || r.stderr.contains("rmclean3d:"), r.stderr)
        try compareWithRMTools3D(case: "masked", outputs: out)
    }

    /// RM-Tools' QA (`rmclean3d FDF_tot_dirty.fits RMSF_tot.fits -n 10`) from its _real file.
    func testRMToolsQAFilesGiveRMToolsCleanOutputs() throws {
        let out = try scratchDirectory(self)
        let dir = Self.data + "/qa"
        var r = try arrakis(["rmsynth3d", "Q_cube.fits", "U_cube.fits", "--freq", "freqHz.txt", "--phi-max", "300", "--dphi", "10",
                             "--out-prefix", out + "/"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try arrakis(["rmclean3d", "FDF_real_dirty.fits.gz", "RMSF_im.fits.gz", "-n", "10", "--out-prefix", out + "/"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        try compareWithRMTools3D(case: "qa", outputs: out)
    }

    /// Synthesis then CLEAN on one thread writes the data of `rmsynth3d
    /// --clean`, value for value, and the same headers but for the HISTORY text.
    func testCleaningOurFilesEqualsSynthesisWithClean() throws {
        let both = try scratchDirectory(self), apart = try scratchDirectory(self)
        let common = ["rmsynth3d", "Q_cube.fits", "U_cube.fits", "--freq", "freqHz.txt", "--phi-max", "300", "--dphi", "10"]
        var r = try arrakis(common + ["--clean", "--max-iter", "10", "--cutoff", "0.5", "--write-residual", "--out-prefix", both + "/"],
                            in: Self.data + "/qa")
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try arrakis(common + ["--out-prefix", apart + "/s_"], in: Self.data + "/qa")
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try arrakis(["rmclean3d", "s_FDF_tot_dirty.fits", "s_RMSF_tot.fits", "-n", "10", "-c", "0.5", "--write-residual",
                         "-j", "1", "--out-prefix", "c_"], in: apart)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("1 slab of 12 rows"), r.stderr)   // slabs: FaradayCubeCleaningTests
        let names = ["FDF_clean_real", "FDF_clean_im", "FDF_clean_tot", "FDF_CC_real", "FDF_CC_im", "FDF_CC_tot", "CLEAN_nIter",
                     "FDF_residual_real", "FDF_residual_im", "FDF_residual_tot"]
        var cleaned = 0
        for name in names {
            let a = try FITSFile.open(both + "/" + name + ".fits"), b = try FITSFile.open(apart + "/c_" + name + ".fits")
            var ha = try a.readHeader(), hb = try b.readHeader()
            XCTAssertTrue(hb.cards.contains { $0.keyword == "HISTORY" && $0.comment.contains("arrakis rmclean3d") }, name)
            ha.cards.removeAll { $0.keyword == "HISTORY" }; hb.cards.removeAll { $0.keyword == "HISTORY" }
            XCTAssertEqual(ha, hb, name)
            let x = try a.readImage(as: Float.self).values, y = try b.readImage(as: Float.self).values
            XCTAssertEqual(x.map(\.bitPattern), y.map(\.bitPattern), name)
            if name == "CLEAN_nIter" { cleaned = x.count { $0 > 0 } }
        }
        XCTAssertGreaterThan(cleaned, 0, "no pixel reached the cutoff: the comparison would prove nothing")
    }

    func testBadInputIsRefusedNamingTheFileAndNothingIsWritten() throws {
        let dir = try scratchDirectory(self)
        var r = try arrakis(["rmsynth3d", RMSynth3DCommandTests.data + "/qa/Q_cube.fits", RMSynth3DCommandTests.data + "/qa/U_cube.fits",
                             "--freq", RMSynth3DCommandTests.data + "/qa/freqHz.txt", "--phi-max", "300", "--dphi", "10",
                             "--out-prefix", "a_"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        r = try arrakis(["rmsynth3d", RMSynth3DCommandTests.data + "/qa/Q_cube.fits", RMSynth3DCommandTests.data + "/qa/U_cube.fits",
                         "--freq", RMSynth3DCommandTests.data + "/qa/freqHz.txt", "--phi-max", "200", "--dphi", "10",
                         "--out-prefix", "b_"], in: dir)
        XCTAssertEqual(r.status, 0, r.stderr)
        try FileManager.default.copyItem(atPath: dir + "/a_FDF_tot_dirty.fits", toPath: dir + "/dirty.fits")

        // A name rmclean3d cannot find the other parts from.
        r = try arrakis(["rmclean3d", "dirty.fits", "a_RMSF_tot.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("dirty.fits: the name has none of _tot, _real, _im"), r.stderr)
        // An RMSF from another axis (61 depths against 41: 83 RMSF samples, not 123).
        r = try arrakis(["rmclean3d", "a_FDF_tot_dirty.fits", "b_RMSF_tot.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("b_RMSF_real.fits: 83 RMSF samples for 61 Faraday depths"), r.stderr)
        // The FWHM map missing.
        try FileManager.default.removeItem(atPath: dir + "/b_RMSF_FWHM.fits")
        r = try arrakis(["rmclean3d", "b_FDF_tot_dirty.fits", "b_RMSF_tot.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("b_RMSF_FWHM.fits"), r.stderr)
        // A Stokes cube given as the FDF.
        try FileManager.default.copyItem(atPath: RMSynth3DCommandTests.data + "/qa/Q_cube.fits", toPath: dir + "/Q_real.fits")
        try FileManager.default.copyItem(atPath: RMSynth3DCommandTests.data + "/qa/U_cube.fits", toPath: dir + "/Q_im.fits")
        r = try arrakis(["rmclean3d", "Q_real.fits", "a_RMSF_tot.fits", "--out-prefix", "o_"], in: dir)
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertTrue(r.stderr.contains("Q_real.fits: no Faraday depth axis"), r.stderr)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: dir).contains { $0.hasPrefix("o_") || $0.hasPrefix(".o_") })
    }
}
