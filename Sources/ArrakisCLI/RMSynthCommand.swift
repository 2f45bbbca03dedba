import ArgumentParser
import Astro
import Foundation
import Synchronization

/// `arrakis rmsynth`: RM synthesis (and optionally RM-CLEAN) of spectrum files, like
/// RM-Tools' rmsynth1d / rmclean1d with the pipeline's settings as defaults.
struct RMSynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rmsynth",
        abstract: "RM synthesis and RM-CLEAN of 1-D spectra (freq I Q U dI dQ dU, or freq Q U dQ dU), as RM-Tools 1.5.0.",
        discussion: """
            Fits a Stokes I model, synthesises the Faraday dispersion function (FDF) and the RMSF,
            measures the peak, angles, noise and sigma_add, and with --clean runs Hogbom RM-CLEAN
            and measures the peak again. Results use RM-Tools' key names. With --json the output
            is one JSON object (RM-CLEAN's results nested under "rmclean"); quantities that are
            undefined (RM-Tools' NaN, e.g. mom2CCFDF with no clean components) are null.

            --batch DIR|LIST analyses every *.dat in DIR (or every path listed in LIST, one per
            line; a relative path in LIST is relative to LIST's directory, not the current one;
            blank lines and lines starting with # are skipped) on --jobs threads and prints one
            JSON object per line, in input order, each with "file" (the path as resolved) and
            either the results or "error". The exit status is 1 if any spectrum failed.

            Spectrum files are read as rmsynth1d reads them: 7 columns (freq I Q U dI
            dQ dU), or 5 (freq Q U dQ dU) for a spectrum without Stokes I, which is
            then taken as 1 with no error in every channel (Q and U are used as they
            are, the FDF is in their units): the same as --ignore-stokes-i on a
            7-column file. rmsynth1d reads no other layout, and neither does this.

            Each option names the rmsynth1d or rmclean1d flag it stands for. The
            defaults are the pipeline's; rmsynth1d's are --poly-order 2 --samples 10
            --allow-negative-model, and rmclean1d's --cutoff -3 --max-iter 1000.
            rmsynth1d's -t, -r, -b and -U have no counterpart here.
            """ + CommandExamples.rmsynth)

    @Argument(help: "Spectrum file: freq(Hz) I Q U dI dQ dU, or freq Q U dQ dU (rmsynth1d dataFile).")
    var spectrum: String?

    @Flag(help: "Also run RM-CLEAN on the FDF (rmclean1d, run after rmsynth1d).") var clean = false
    @Flag(help: "Print one JSON object (RM-Tools' keys, as rmsynth1d -S writes to _RMsynth.json) instead of a summary (rmsynth1d -v).")
    var json = false
    @Flag(name: .customLong("ignore-stokes-i"),
          help: "Do not fit or divide by Stokes I even if the file has it: take I = 1, dI = 0 (rmsynth1d -i).")
    var ignoreStokesI = false
    @Option(parsing: .unconditional, help: "CLEAN cutoff: Jy/beam if positive, multiple of dFDFth if negative (rmclean1d -c).")
    var cutoff = -8.0
    @Option(help: "CLEAN loop gain (rmclean1d -g).") var gain = 0.1
    @Option(name: .customLong("max-iter"), help: "CLEAN iteration limit (rmclean1d -n).") var maxIter = 10000
    @Option(parsing: .unconditional, help: "Deeper CLEAN within +/-FWHM/2 of the components down to this level (same convention as --cutoff) (rmclean1d -w).")
    var window: Double?
    @Option(help: "Faraday-depth samples per RMSF FWHM (rmsynth1d -s).") var samples = 5.0
    @Option(name: .customLong("poly-order"), parsing: .unconditional,
            help: "Stokes I polynomial order 0-5; negative: choose up to |n| by AIC (rmsynth1d -o).")
    var polyOrder = 3
    @Option(name: .customLong("fit-function"), help: "Stokes I model (rmsynth1d -f).")
    var fitFunction: StokesIFitFunction = .log
    @Option(help: "Channel weighting (rmsynth1d -w).") var weight: RMWeighting = .variance
    @Option(name: .customLong("phi-max"), help: "Largest |Faraday depth| sampled (rad/m^2); default automatic (rmsynth1d -l).")
    var phiMax: Double?
    @Option(name: .customLong("dphi"), help: "Faraday-depth step (rad/m^2); overrides --samples (rmsynth1d -d).") var dPhi: Double?
    @Flag(name: .customLong("allow-negative-model"),
          help: "Carry on when the Stokes I model is not positive everywhere, flagging IfitStat+128, as rmsynth1d always does; default: reject the spectrum.")
    var allowNegativeModel = false
    @Option(name: .customLong("out-prefix"),
            help: "Write P_FDFdirty.dat, P_RMSF.dat, P_weight.dat, P_RMsynth.dat/.json (and P_FDFclean.dat, P_FDFmodel.dat, P_RMclean.dat/.json with --clean), the files rmsynth1d -S and rmclean1d -S write beside the input.")
    var outPrefix: String?
    @Option(help: "Analyse every *.dat in a directory, or every file listed (one per line) in a text file (no rmsynth1d flag).")
    var batch: String?
    @Flag(name: .customLong("json-lines"), help: "Batch output: one JSON object per line (the default and only batch format).")
    var jsonLines = false
    @Option(name: [.short, .long], help: "Batch threads (default: cores).") var jobs = 0

    func validate() throws {
        if batch == nil && spectrum == nil { throw ValidationError("give a spectrum file, or --batch DIR|LIST") }
        if batch != nil && spectrum != nil { throw ValidationError("give either a spectrum file or --batch, not both") }
        if batch != nil && outPrefix != nil { throw ValidationError("--out-prefix is for a single spectrum") }
        try OptionRange.check(polyOrder, -5...5, "--poly-order")
        try OptionRange.check(jobs, 0...4096, "--jobs")
        try OptionRange.check(maxIter, 0...100_000_000, "--max-iter")
        try OptionRange.check(gain, above: 0, atMost: 1, "--gain")
        try OptionRange.check(samples, above: 0, atMost: 1e6, "--samples")
        try OptionRange.check(cutoff, nonZero: true, "--cutoff")
        if let phiMax { try OptionRange.check(phiMax, above: 0, atMost: 1e9, "--phi-max") }
        if let dPhi { try OptionRange.check(dPhi, above: 0, atMost: 1e9, "--dphi") }
        if let window { try OptionRange.check(window, nonZero: true, "--window") }
    }

    var synthesisSettings: RMSynthesisSettings {
        var s = RMSynthesisSettings()
        s.polyOrder = polyOrder
        s.fitFunction = fitFunction
        s.samplesPerFWHM = samples
        s.weighting = weight
        s.phiMax = phiMax
        s.dPhi = dPhi
        s.allowNonPositiveStokesIModel = allowNegativeModel
        return s
    }

    var cleanSettings: RMCleanSettings {
        var s = RMCleanSettings()
        s.cutoff = cutoff
        s.gain = gain
        s.maxIterations = maxIter
        s.window = window
        return s
    }

    func run() throws {
        if let batch {
            runBatch(batch)
            return
        }
        guard let path = spectrum else { return }
        do {
            let (data, layout) = try Self.readSpectrum(path, ignoreStokesI: ignoreStokesI)
            let synthesiser = RMSynthesiser(settings: synthesisSettings)
            let result = try synthesiser.synthesise(data)
            var cleanResult: RMCleanResult? = nil
            if clean { cleanResult = try synthesiser.clean(cleanSettings) }
            if let outPrefix {
                if let products = synthesiser.synthesisProducts {
                    try RMSynthesisFiles.write(prefix: outPrefix, result: result, products: products)
                }
                if let cleanResult, let products = synthesiser.cleanProducts {
                    try RMSynthesisFiles.write(prefix: outPrefix, clean: cleanResult, products: products)
                }
            }
            if json {
                printOut(Self.jsonObject(result, cleanResult) + "\n")
            } else {
                printOut(Self.summary(path: path, result, cleanResult, stokesI: stokesINote(layout)))
            }
        } catch let error as FaradayError {
            fail(CLIError("\(path): \(error)"))
        } catch {
            fail(error)
        }
    }

    /// The RM synthesis object with RM-CLEAN's nested under "rmclean".
    static func jsonObject(_ result: RMSynthesisResult, _ clean: RMCleanResult?, leading: [(String, FaradayValue)] = []) -> String {
        FaradayJSON.object(leading + result.fields, nested: clean.map { [("rmclean", $0.json)] } ?? [])
    }

    /// The spectrum in `path` as rmsynth1d reads it (``SpectrumLayout/rmsynth1d``), with
    /// Stokes I set aside if asked to.
    static func readSpectrum(_ path: String, ignoreStokesI: Bool) throws -> (Spectrum, SpectrumLayout) {
        let (spectrum, layout) = try SpectrumFile.read(path, layouts: SpectrumLayout.rmsynth1d)
        return (ignoreStokesI ? spectrum.withStokesIIgnored() : spectrum, layout)
    }

    /// Why Stokes I was taken as 1, if it was.
    func stokesINote(_ layout: SpectrumLayout) -> String? {
        if !layout.hasStokesI { return "not in the file (\(layout.columnCount) columns): taken as 1, dI 0" }
        if ignoreStokesI { return "ignored (--ignore-stokes-i): taken as 1, dI 0" }
        return nil
    }

    /// A human-readable summary in the spirit of rmsynth1d -v.
    static func summary(path: String, _ r: RMSynthesisResult, _ c: RMCleanResult?, stokesI note: String? = nil) -> String {
        func g(_ v: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)g", v) }
        let p = r.peak
        var lines = [
            "RM synthesis of \(path): \(r.channelCount) channels, \(g(r.minFrequency / 1e6, 6))-\(g(r.maxFrequency / 1e6, 6)) MHz",
            "FWHM RMSF            = \(g(r.fwhmRMSF)) rad/m^2 (dPhi \(g(r.axis.step)), \(r.axis.count) samples to +/-\(g(r.axis.maximum)))",
        ]
        if let note { lines.append("Stokes I             = \(note)") }
        lines += [
            "Stokes I model       = \(r.fitFunction.rawValue) order \(r.stokesI.order), IfitStat \(r.stokesI.status), chi2_red \(g(r.stokesI.reducedChiSquare))",
            "freq0                = \(g(r.freq0 / 1e9)) GHz (lambda0^2 \(g(r.lambda0Squared)) m^2)",
            "I freq0              = \(g(r.iFreq0)) \(r.units)",
            "Peak FD              = \(g(p.phi)) (+/-\(g(p.phiError))) rad/m^2",
            "Peak PI              = \(g(p.amplitude)) (+/-\(g(p.amplitudeError))) \(r.units)",
            "Pol Angle            = \(g(p.angle)) (+/-\(g(p.angleError))) deg",
            "Pol Angle 0          = \(g(p.angle0)) (+/-\(g(p.angle0Error))) deg",
            "Fractional pol.      = \(g(r.fractionalPolarisation))",
            "QU noise             = \(g(r.dQU)) \(r.units)",
            "FDF noise (theory)   = \(g(r.dFDFth)) \(r.units)",
            "FDF noise (MAD)      = \(g(p.noiseMAD)) \(r.units)",
            "FDF SNR              = \(g(p.snr))",
            "sigma_add (combined) = \(g(r.sigmaAddC.value)) (+\(g(r.sigmaAddC.plus)), -\(g(r.sigmaAddC.minus)))",
        ]
        if let c {
            let q = c.peak
            lines += [
                "RM-CLEAN             = \(c.iterations) iterations to \(g(c.cutoff)) \(r.units)",
                "  Peak FD            = \(g(q.phi)) (+/-\(g(c.phiErrorObserved)) observed, \(g(q.phiError)) theoretical) rad/m^2",
                "  Peak PI            = \(g(q.amplitude)) (+/-\(g(c.amplitudeErrorObserved)) observed, \(g(q.amplitudeError)) theoretical) \(r.units)",
                "  Pol Angle 0        = \(g(q.angle0)) (+/-\(g(c.angle0ErrorObserved)) observed, \(g(q.angle0Error)) theoretical) deg",
                "  FDF noise (MAD)    = \(g(q.noiseMAD)) \(r.units)",
                "  FDF SNR            = \(g(q.snr))",
                "  mom2CCFDF          = " + (c.componentSecondMoment.map { g($0) + " rad/m^2" } ?? "undefined (no clean components)"),
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Batch

    private func runBatch(_ source: String) {
        let files: [String]
        do { files = try Self.batchFiles(source) } catch { fail(error) }
        let workers = max(1, min(jobs > 0 ? jobs : ProcessInfo.processInfo.activeProcessorCount, files.count))
        let synthesis = synthesisSettings, cleanSettings = self.cleanSettings, clean = self.clean
        let ignoreStokesI = self.ignoreStokesI
        let next = Atomic<Int>(0)
        let output = Mutex(BatchOutput(count: files.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let synthesiser = RMSynthesiser(settings: synthesis)
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < files.count else { return }
                let line: String
                var failed = false
                do {
                    let result = try synthesiser.synthesise(try Self.readSpectrum(files[i], ignoreStokesI: ignoreStokesI).0)
                    let cleanResult = clean ? try synthesiser.clean(cleanSettings) : nil
                    line = Self.jsonObject(result, cleanResult, leading: [("file", .text(files[i]))])
                } catch {
                    failed = true
                    line = FaradayJSON.object([("file", .text(files[i])), ("error", .text("\(error)"))])
                }
                output.withLock { $0.store(i, line, failed: failed) }
            }
        }
        let failures = output.withLock { $0.flush(); return $0.failures }
        if failures > 0 {
            printErr("arrakis: \(failures) of \(files.count) spectra failed (see their \"error\")\n")
            Foundation.exit(1)
        }
    }

    /// The spectra of a batch: *.dat in a directory (sorted; RM-Tools' own product files
    /// such as *_FDFdirty.dat excluded), or the paths listed in a text file.
    static func batchFiles(_ source: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw CLIError("\(source): no such file or directory")
        }
        if isDirectory.boolValue {
            let products = ["_FDFdirty.dat", "_RMSF.dat", "_weight.dat", "_RMsynth.dat", "_FDFclean.dat",
                            "_FDFmodel.dat", "_RMclean.dat", "_bkg.dat"]
            let names = try FileManager.default.contentsOfDirectory(atPath: source)
                .filter { $0.hasSuffix(".dat") && !products.contains(where: $0.hasSuffix) }
                .sorted()
            return names.map { (source as NSString).appendingPathComponent($0) }
        }
        let text = try String(contentsOfFile: source, encoding: .utf8)
        let base = (source as NSString).deletingLastPathComponent
        return text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.hasPrefix("/") || base.isEmpty ? $0 : (base as NSString).appendingPathComponent($0) }
    }
}

/// Batch results, printed in input order as soon as all earlier ones are in.
private struct BatchOutput: Sendable {
    var lines: [String?]
    var printed = 0
    var failures = 0
    var pending = ""

    init(count: Int) { lines = [String?](repeating: nil, count: count) }

    mutating func store(_ i: Int, _ line: String, failed: Bool) {
        lines[i] = line
        if failed { failures += 1 }
        while printed < lines.count, let l = lines[printed] {
            pending += l + "\n"
            lines[printed] = nil
            printed += 1
        }
        if pending.utf8.count > 1 << 16 { flush() }
    }

    mutating func flush() {
        if !pending.isEmpty { printOut(pending); pending = "" }
    }
}
