import ArgumentParser
import Astro
import Foundation

/// `arrakis rmclean3d`: RM-CLEAN of the files `arrakis rmsynth3d` (or RM-Tools' rmsynth3d)
/// wrote, as RM-Tools 1.5.0's rmclean3d.
struct RMClean3DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmclean3d",
        abstract: "RM-CLEAN of 3-D RM synthesis products, as RM-Tools 1.5.0's rmclean3d.",
        discussion: """
            Reads the dirty FDF (FDF_real_dirty.fits and FDF_im_dirty.fits, found from whichever \
            of FDF_tot/_real/_im_dirty.fits is named) and the RMSF (RMSF_real.fits, RMSF_im.fits \
            and RMSF_FWHM.fits beside the named RMSF file), CLEANs every pixel whose dirty peak \
            reaches the cutoff with its own RMSF and FWHM, and writes rmclean3d's files: \
            P FDF_clean_real/_im/_tot.fits, FDF_CC_real/_im/_tot.fits and CLEAN_nIter.fits \
            (P = --out-prefix), plus FDF_residual_real/_im/_tot.fits with --write-residual. \
            The same files, to the bit, as `arrakis rmsynth3d --clean` with the same settings. \
            Each option names the rmclean3d flag it stands for; the defaults are theirs. The cubes \
            are read in slabs of rows that fit --max-memory, on --jobs threads.
            """ + CommandExamples.rmclean3d)

    @Argument(help: "The dirty FDF: FDF_tot_dirty.fits (or its _real/_im part) from rmsynth3d.") var fdf: String
    @Argument(help: "The RMSF: RMSF_tot.fits (or its _real/_im part) from rmsynth3d.") var rmsf: String

    @Option(name: [.customShort("c"), .long], parsing: .unconditional, help: "CLEAN cutoff in the FDF's units (rmclean3d -c).")
    var cutoff = 1.0
    @Option(name: [.customShort("g"), .long], help: "Loop gain (rmclean3d -g).") var gain = 0.1
    @Option(name: [.customShort("n"), .customLong("max-iter")], help: "Iterations per pixel (rmclean3d -n).") var maxIter = 1000
    @Option(name: [.customShort("w"), .long], parsing: .unconditional, help: "Deeper CLEAN within +/-FWHM/2 of the components down to this level (rmclean3d -w); default off.")
    var window: Double?
    @Flag(name: .customLong("write-residual"), help: "Also write the residual FDF (rmclean3d does not).") var writeResidual = false
    @Option(name: .customLong("out-prefix"), help: "Prefix of every output file, e.g. out/field1_ (rmclean3d -o, with the directory in it).")
    var outPrefix: String
    @Option(name: .customLong("max-memory"), help: "MiB of pixel data held at once; larger cubes are done in slabs of rows.")
    var maxMemory = 2048
    @Option(name: [.short, .long], help: "Threads (default: cores).") var jobs = 0

    func validate() throws {
        try OptionRange.check(maxIter, 0...100_000_000, "--max-iter")
        try OptionRange.check(gain, above: 0, atMost: 1, "--gain")
        try OptionRange.check(jobs, 0...4096, "--jobs")
        try OptionRange.check(maxMemory, 1...(1 << 30), "--max-memory")
        if !cutoff.isFinite { throw ValidationError("--cutoff must be a finite number") }
        if let window, !window.isFinite { throw ValidationError("--window must be a finite number") }
    }

    func run() throws {
        do {
            var job = FaradayCubeCleaning(fdf: fdf, rmsf: rmsf)
            job.settings = FaradayCubeCleanSettings(cutoff: cutoff, gain: gain, maxIterations: maxIter, window: window)
            job.writeResidual = writeResidual
            job.maxMemoryBytes = maxMemory << 20
            job.threads = jobs
            try RMSynth3DCommand.createDirectory(of: outPrefix)
            let (summary, seconds) = try RMSynth3DCommand.withRowProgress("rmclean3d") { try job.run(prefix: outPrefix, progress: $0) }
            printErr(String(format: "arrakis: rmclean3d: %d x %d pixels x %d Faraday depths, %d cleaned, %d slab%@ of %d rows; %d files in %.2f s, peak memory %d MiB\n",
                            summary.width, summary.height, summary.faradayDepths, summary.cleanedPixels,
                            summary.slabs, summary.slabs == 1 ? "" : "s", summary.rowsPerSlab, summary.files.count, seconds,
                            RMSynth3DCommand.peakMemoryMiB()))
        } catch let error as FaradayCubeError {
            fail(CLIError("\(error)"))
        } catch {
            fail(error)
        }
    }
}
