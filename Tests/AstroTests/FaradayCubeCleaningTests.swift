import Foundation
import Testing
@testable import Astro

/// RM-CLEAN from rmsynth3d's files (`FaradayCubeCleaning`) against CLEAN inside the
/// synthesis: the same values to the bit, whatever the slabs, with pixels that have their
/// own RMSF (Stokes Q flagged in some channels) read back from the RMSF cubes.
@Suite("Faraday: 3-D CLEAN from files")
struct FaradayCubeCleaningTests {
    /// A 4 x 3 x 36 cube of `FaradayCubeTests.slabData` (pixel 5 flagged in two Q channels).
    static func writeCubes(in dir: TemporaryDirectory) throws -> (q: String, u: String, freq: [Double]) {
        let (freq, q, u) = FaradayCubeTests.slabData(channels: 36, pixels: 12)
        var header = FITSHeader()
        header.set("CTYPE3", .string("FREQ"))
        header.set("CRVAL3", .real(freq[0]))
        header.set("CDELT3", .real(freq[1] - freq[0]))
        header.set("CRPIX3", .real(1))
        for (name, values) in [("Q.fits", q), ("U.fits", u)] {
            let file = try FITSFile.create(dir.file(name))
            try file.writeImage(PixelArray(shape: [4, 3, 36], values: values), header: header)
            try file.commit()
        }
        return (dir.file("Q.fits"), dir.file("U.fits"), freq)
    }

    @Test("CLEAN of the written FDF, one row at a time, is the synthesis's CLEAN to the bit")
    func cleaningFilesEqualsCleaningInSynthesis() throws {
        let dir = TemporaryDirectory()
        let (q, u, _) = try Self.writeCubes(in: dir)
        var clean = FaradayCubeCleanSettings()
        clean.cutoff = 0.02
        clean.maxIterations = 50
        clean.window = 0.005
        var both = FaradayCubeSynthesis(q: q, u: u)
        both.settings.phiMax = 400
        both.clean = clean
        both.writeResidual = true
        let summary = try both.run(prefix: dir.file("both_"))
        #expect(summary.ownRMSFPixels == 1)
        var dirty = both
        dirty.clean = nil
        _ = try dirty.run(prefix: dir.file("s_"))

        var cleaning = FaradayCubeCleaning(fdf: dir.file("s_FDF_tot_dirty.fits"), rmsf: dir.file("s_RMSF_tot.fits"))
        cleaning.settings = clean
        cleaning.writeResidual = true
        cleaning.maxMemoryBytes = 1
        cleaning.threads = 2
        let done = try cleaning.run(prefix: dir.file("c_"))
        #expect(done.slabs == 3 && done.rowsPerSlab == 1)
        #expect(done.ownRMSFPixels == 1)
        #expect(done.cleanedPixels > 0)
        for name in ["FDF_clean_real", "FDF_clean_im", "FDF_clean_tot", "FDF_CC_real", "FDF_CC_im", "FDF_CC_tot",
                     "CLEAN_nIter", "FDF_residual_real", "FDF_residual_im", "FDF_residual_tot"] {
            let a: PixelArray<Float> = try FITSFile.open(dir.file("both_\(name).fits")).readImage()
            let b: PixelArray<Float> = try FITSFile.open(dir.file("c_\(name).fits")).readImage()
            #expect(a.shape == b.shape, "\(name)")
            #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern), "\(name)")
        }
    }

    @Test("The parts of a cube are found by RM-Tools' names, in the file name only")
    func siblingNames() throws {
        #expect(try FaradayCubeCleaning.sibling(of: "run_tot/x_FDF_tot_dirty.fits", "_real") == "run_tot/x_FDF_real_dirty.fits")
        #expect(try FaradayCubeCleaning.sibling(of: "a/RMSF_im.fits.gz", "_FWHM") == "a/RMSF_FWHM.fits.gz")
        #expect(try FaradayCubeCleaning.sibling(of: "my_image/FDF_real_dirty.fits", "_im") == "my_image/FDF_im_dirty.fits")
        #expect(throws: FaradayCubeError.self) { try FaradayCubeCleaning.sibling(of: "_tot/dirty.fits", "_real") }
    }
}
