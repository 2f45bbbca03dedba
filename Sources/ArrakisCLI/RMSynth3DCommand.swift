import ArgumentParser
import Astro
import Foundation
import Graph

/// `arrakis rmsynth3d`: RM synthesis (and optionally RM-CLEAN) of Stokes Q/U cubes, writing
/// the files RM-Tools' rmsynth3d and rmclean3d write.
struct RMSynth3DCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmsynth3d",
        abstract: "RM synthesis and RM-CLEAN of Stokes Q/U cubes, as RM-Tools 1.5.0's rmsynth3d and rmclean3d.",
        discussion: """
            Synthesises the Faraday dispersion function (FDF) of every pixel, the RMSF, and the \
            peak maps, and writes them with RM-Tools' names and headers: P FDF_real_dirty.fits, \
            FDF_im_dirty.fits, FDF_tot_dirty.fits, RMSF_real.fits, RMSF_im.fits, RMSF_tot.fits, \
            RMSF_FWHM.fits, FDF_maxPI.fits, FDF_peakRM.fits (P = --out-prefix), plus \
            FDF_maxPI_fit.fits and FDF_peakRM_fit.fits: the peak refined by a parabola through \
            the largest sample and its neighbours (RM-Tools' maps are the sample itself). \
            With --clean, also rmclean3d's FDF_clean_real/_im/_tot.fits, FDF_CC_real/_im/_tot.fits \
            and CLEAN_nIter.fits (and FDF_residual_real/_im/_tot.fits with --write-residual).

            With a Stokes I cube, q = Q/I and u = U/I are synthesised and the FDF is scaled by I \
            at the reference frequency (the mean of the two channels either side of it), as \
            rmsynth3d -i does. Channels flagged (NaN) in every pixel carry no weight; pixels \
            whose Stokes Q is flagged in only some channels get their own RMSF.

            The frequencies come from --freq (one per line, Hz: rmsynth3d's frequency file) or \
            else from the Q cube's frequency axis. Each option names the rmsynth3d or rmclean3d \
            flag it stands for; the defaults are theirs. The cube is processed in slabs of rows \
            that fit --max-memory, on --jobs threads. rmsynth3d's -R, -r and -f, and rmclean3d's -f \
            and --ncores/--mpi, have no counterpart here.
            """ + CommandExamples.rmsynth3d)

    @Argument(help: "Stokes Q cube (rmsynth3d StokesQ.fits).") var qCube: String
    @Argument(help: "Stokes U cube (rmsynth3d StokesU.fits).") var uCube: String
    @Argument(help: "Stokes I (model) cube, optional (rmsynth3d -i).") var iCube: String?

    @Option(name: .customLong("freq"), help: "Channel frequencies in Hz, one per line (rmsynth3d freqs_Hz.dat); default: the Q cube's frequency axis.")
    var frequencyFile: String?
    @Option(name: .customLong("phi-max"), help: "Largest |Faraday depth| sampled (rad/m^2); default automatic (rmsynth3d -l).")
    var phiMax: Double?
    @Option(name: .customLong("dphi"), help: "Faraday-depth step (rad/m^2); overrides --samples (rmsynth3d -d).") var dPhi: Double?
    @Option(help: "Faraday-depth samples per RMSF FWHM (rmsynth3d -s).") var samples = 5.0
    @Option(help: "Channel weighting; variance needs --noise (rmsynth3d -w).") var weight: RMWeighting = .uniform
    @Option(help: "Per-channel noise, one value per line, for --weight variance (rmsynth3d -n).") var noise: String?
    @Flag(name: .customLong("fit-rmsf"), help: "RMSF FWHM from a Gaussian fitted to each RMSF's main lobe, not the analytical width (rmsynth3d -t).")
    var fitRMSF = false
    @Flag(help: "Also run RM-CLEAN (rmclean3d on the products).") var clean = false
    @Option(parsing: .unconditional, help: "CLEAN cutoff in the FDF's units (rmclean3d -c).") var cutoff = 1.0
    @Option(help: "CLEAN loop gain (rmclean3d -g).") var gain = 0.1
    @Option(name: .customLong("max-iter"), help: "CLEAN iterations per pixel (rmclean3d -n).") var maxIter = 1000
    @Option(parsing: .unconditional, help: "Deeper CLEAN within +/-FWHM/2 of the components down to this level (rmclean3d -w); default off.")
    var window: Double?
    @Flag(name: .customLong("write-residual"), help: "With --clean, also write the residual FDF (rmclean3d does not).")
    var writeResidual = false
    @Option(name: .customLong("out-prefix"), help: "Prefix of every output file, e.g. out/field1_ (rmsynth3d -o, with the directory in it).")
    var outPrefix: String
    @Option(name: .customLong("max-memory"), help: "MiB of pixel data held at once; larger cubes are done in slabs of rows.")
    var maxMemory = 2048
    @Option(name: [.short, .long], help: "Threads (default: cores).") var jobs = 0
    @Option(name: .customLong("matrix-product"), help: .hidden) var engine: MatrixProductEngine = .nufft

    func validate() throws {
        try OptionRange.check(maxIter, 0...100_000_000, "--max-iter")
        try OptionRange.check(gain, above: 0, atMost: 1, "--gain")
        try OptionRange.check(samples, above: 0, atMost: 1e6, "--samples")
        try OptionRange.check(jobs, 0...4096, "--jobs")
        try OptionRange.check(maxMemory, 1...(1 << 30), "--max-memory")
        if let phiMax { try OptionRange.check(phiMax, above: 0, atMost: 1e9, "--phi-max") }
        if let dPhi { try OptionRange.check(dPhi, above: 0, atMost: 1e9, "--dphi") }
        if !cutoff.isFinite { throw ValidationError("--cutoff must be a finite number") }
        if let window, !window.isFinite { throw ValidationError("--window must be a finite number") }
        if weight == .variance && noise == nil { throw ValidationError("--weight variance needs --noise FILE (the per-channel noise)") }
        if weight == .uniform && noise != nil { throw ValidationError("--noise is used only with --weight variance") }
        if !clean && (writeResidual || window != nil) { throw ValidationError("--write-residual and --window need --clean") }
    }

    func run() throws {
        do {
            var job = FaradayCubeSynthesis(q: qCube, u: uCube, i: iCube)
            if let frequencyFile {
                job.frequencies = try Self.readNumbers(frequencyFile, what: "frequency")
                job.frequencySource = frequencyFile
            }
            var s = FaradayCubeSettings()
            s.samplesPerFWHM = samples
            s.phiMax = phiMax
            s.dPhi = dPhi
            s.weighting = weight
            if let noise { s.noise = try Self.readNumbers(noise, what: "noise") }
            s.maxMemoryBytes = maxMemory << 20
            s.threads = jobs
            s.engine = engine
            s.fitRMSF = fitRMSF
            job.settings = s
            if clean {
                job.clean = FaradayCubeCleanSettings(cutoff: cutoff, gain: gain, maxIterations: maxIter, window: window)
                job.writeResidual = writeResidual
            }
            try Self.createDirectory(of: outPrefix)
            let (summary, seconds) = try Self.withRowProgress("rmsynth3d") { try job.run(prefix: outPrefix, progress: $0) }
            printErr(String(format: "arrakis: rmsynth3d: %d x %d pixels x %d channels -> %d Faraday depths (dPhi %.6g, FWHM %.6g rad/m^2), %d slab%@ of %d rows, %d pixel%@ with their own RMSF; %d files in %.2f s, peak memory %d MiB\n",
                            summary.width, summary.height, summary.channels, summary.faradayDepths, summary.dPhi, summary.fwhm,
                            summary.slabs, summary.slabs == 1 ? "" : "s", summary.rowsPerSlab, summary.ownRMSFPixels,
                            summary.ownRMSFPixels == 1 ? "" : "s", summary.files.count, seconds, Self.peakMemoryMiB()))
        } catch let error as FaradayCubeError {
            fail(CLIError("\(error)"))
        } catch {
            fail(error)
        }
    }

    /// Runs `body`, giving it a progress callback that shows "rows done/total" on a terminal;
    /// returns its result and the seconds it took.
    static func withRowProgress<T>(_ name: String, _ body: (_ progress: (Int, Int) -> Void) throws -> T) throws -> (T, Double) {
        let start = Date()
        let live = isatty(2) != 0
        let result = try body { done, total in
            if live { printErr("\r\u{1B}[K\(name): rows \(done)/\(total) (\(done * 100 / max(total, 1))%)") }
        }
        if live { printErr("\r\u{1B}[K") }
        return (result, Date().timeIntervalSince(start))
    }

    /// Creates the directory an output prefix names (out/ of out/field_), if any.
    static func createDirectory(of prefix: String) throws {
        guard let slash = prefix.lastIndex(of: "/") else { return }
        let directory = String(prefix[..<slash])
        guard !directory.isEmpty else { return }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw CLIError("\(directory): cannot create the output directory: \(error.localizedDescription)")
        }
    }

    /// Numbers one per line (or separated by blanks), as numpy.loadtxt reads a column;
    /// blank lines and # comments skipped.
    static func readNumbers(_ path: String, what: String) throws -> [Double] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError("\(path): cannot read the \(what) file: \(error.localizedDescription)")
        }
        var values: [Double] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let body = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            for field in body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "," }) {
                guard let v = Double(field) else { throw CLIError("\(path):\(n + 1): '\(field)' is not a number (\(what) file)") }
                values.append(v)
            }
        }
        guard !values.isEmpty else { throw CLIError("\(path): no values in the \(what) file") }
        return values
    }

    /// The process's peak resident memory (MiB): its own address space's high-water mark
    /// (VmHWM). Not `ru_maxrss`, into which Linux folds the peak of the process that spawned
    /// this one (a test runner's 100 MiB showed up as ours).
    static func peakMemoryMiB() -> Int {
        if let peak = ResidentMemory.peakMiB() { return peak }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
