import ArgumentParser
import Astro
import Foundation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a synthetic RACS survey with known truth: beam cubes, catalogues, RACS database, truth.csv.",
        discussion: """
            The survey appears in DIR only when complete. The defaults are small enough for the \
            whole pipeline to run in well under a minute on two cores; the same seed always gives \
            the same survey. The bundled example (scripts/example.sh) adds --ionosphere \
            --channel-noise 0.0002 --min-flux 0.03: less noise and brighter components than the \
            defaults, so that its catalogue has components well above the noise (27 rows with \
            snr_polint > 10).
            """ + CommandExamples.simulate)

    @Argument(help: "Directory to create (must not exist or be empty, unless --force).")
    var directory: String

    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Number of fields (a strip along RA; neighbouring fields overlap).") var fields = 2
    @Option(help: "Number of epochs; epochs after the first re-observe every other field.") var epochs = 2
    @Option(help: "Beams per field (1-36, on a square grid; neighbouring beams overlap).") var beams = 4
    @Option(help: "Frequency channels (8 MHz wide from 747.5 MHz).") var channels = 36
    @Option(help: "Gaussian components in the sky.") var sources = 30
    @Option(help: "Pixels per side of each beam image.") var npix = 64
    @Option(help: ArgumentHelp("Noise per channel in the I, Q, U (and V) cubes, Jy/beam; each channel's sigma is SIGMA x 1 to 1.5. scripts/example.sh uses 0.0002.", valueName: "SIGMA"))
    var channelNoise = 1.0e-3
    @Option(help: ArgumentHelp("Faintest component, Jy (total Stokes I at 887.5 MHz): fluxes follow the source counts N(>S) ~ S^-A from S. scripts/example.sh uses 0.03.", valueName: "S"))
    var minFlux = 0.005
    @Option(help: ArgumentHelp("Brightest component, Jy: fluxes drawn above it are set to it.", valueName: "S"))
    var maxFlux = 2.0
    @Option(help: ArgumentHelp("Slope A of the source counts N(>S) ~ S^-A (larger: fewer bright components).", valueName: "A"))
    var fluxSlope = 1.5
    @Option(name: [.short, .long], help: "Threads (default: cores).") var jobs = 0
    @Option(help: "Where the fields lie: strip (along RA, overlapping) or sky (tiling the whole sky in declination bands, about --fields fields).")
    var footprint: SurveyParameters.Footprint = .strip
    @Flag(help: "Write only the catalogue (CSV tables), the RACS database and truth.csv: no cubes. For loading tests at survey scale, e.g. --footprint sky --fields 1500 --beams 36 --sources 2000000 --epochs 1.")
    var catalogueOnly = false
    @Flag(help: "Add the ionosphere: scans at each field's transit at ASKAP, synthetic IONEX maps of the scans' days in DIR/ionex/ (CODGddd0.yyI), and the ionosphere's Faraday rotation in the cubes' Q and U (truth.csv's rm stays the sky's; its rm_ion and ionosphere.csv give what was injected).")
    var ionosphere = false
    @Flag(help: "Write Stokes V cubes too (image.restored.v.*, with weights): noise only, unless --circular-fraction injects some. truth.csv gets a frac_v column.")
    var stokesV = false
    @Option(help: ArgumentHelp("Inject circular polarisation in the V cubes (implies --stokes-v): each component's V / I drawn uniformly from -F to F, in truth.csv's frac_v.", valueName: "F"))
    var circularFraction: Double?
    @Flag(help: "Replace DIR if it already holds files.") var force = false

    func validate() throws {
        try OptionRange.check(fields, 1...100_000, "--fields")
        try OptionRange.check(epochs, 1...1000, "--epochs")
        try OptionRange.check(beams, 1...36, "--beams")
        try OptionRange.check(channels, 1...100_000, "--channels")
        try OptionRange.check(sources, 0...100_000_000, "--sources")
        try OptionRange.check(npix, 8...65_536, "--npix")
        try OptionRange.check(jobs, 0...4096, "--jobs")
        try OptionRange.check(channelNoise, above: 0, "--channel-noise")
        try OptionRange.check(minFlux, above: 0, "--min-flux")
        try OptionRange.check(maxFlux, above: 0, "--max-flux")
        if minFlux > maxFlux {
            throw ValidationError("--min-flux (\(minFlux)) must not be above --max-flux (\(maxFlux))")
        }
        try OptionRange.check(fluxSlope, above: 0, "--flux-slope")
        if ionosphere && catalogueOnly {
            throw ValidationError("--ionosphere needs the cubes: it cannot be used with --catalogue-only")
        }
        if (stokesV || circularFraction != nil) && catalogueOnly {
            throw ValidationError("--stokes-v and --circular-fraction write cubes: they cannot be used with --catalogue-only")
        }
        if let f = circularFraction, !(f.isFinite && f >= 0 && f <= 1) {
            throw ValidationError("--circular-fraction must be 0...1 (got \(f))")
        }
    }

    func run() throws {
        var p = SurveyParameters()
        p.seed = seed
        p.fields = fields
        p.epochs = epochs
        p.beams = beams
        p.channels = channels
        p.sources = sources
        p.npix = npix
        p.footprint = footprint
        p.channelNoise = channelNoise
        p.minimumFlux = minFlux
        p.maximumFlux = maxFlux
        p.fluxCountSlope = fluxSlope
        if ionosphere { p.ionosphere = true }
        if stokesV || circularFraction != nil { p.stokesV = true }
        p.circularFraction = circularFraction
        do {
            if catalogueOnly {
                let survey = try CatalogueSurvey(p)
                let start = Date()
                printErr("arrakis: simulating a catalogue of \(p.sources) components, \(survey.layout.fields.count) field(s) x \(p.beams) beam(s), \(survey.layout.observations.count) observation(s)\n")
                let counts = try survey.write(to: directory, replacing: force, threads: jobs)
                printErr("arrakis: wrote \(directory) (\(counts.islands) islands, \(counts.components) components, no cubes) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s\n")
                return
            }
            let simulator = try SurveySimulator(p)
            let start = Date()
            let live = isatty(2) != 0
            printErr("arrakis: simulating \(simulator.sky.components.count) components in \(simulator.sky.islands.count) islands, \(p.fields) field(s) x \(p.beams) beam(s), \(simulator.layout.observations.count) observation(s)\n")
            try simulator.write(to: directory, replacing: force, threads: jobs) { done, total in
                if live {
                    printErr("\r\u{1B}[Kbeams: \(done)/\(total)")
                } else if done == total || done % max(1, total / 10) == 0 {
                    printErr("beams: \(done)/\(total)\n")
                }
            }
            if live { printErr("\n") }
            let seconds = Date().timeIntervalSince(start)
            printErr("arrakis: wrote \(directory) in \(String(format: "%.1f", seconds)) s, peak memory \(RMSynth3DCommand.peakMemoryMiB()) MiB\n")
        } catch {
            fail(error)
        }
    }
}
