import Language
import Graph

enum FrionSignature {
    /// The islands' field holding each field's prediction (the original's `frion`).
    static let results = "frion"
}

extension FrionRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "frion",
        summary: "removes the ionosphere's Faraday rotation (FRion: IONEX maps, WMM, time-averaged) from the spectra of one field",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("ionex", .path, required: true,
                      "the directory of IONEX maps, one file per UTC day: `CODGddd0.yyI` or `COD0OPSFIN_YYYYDDD0000_01D_01H_GIM.INX`, plain, `.Z` or `.gz`"),
            ParamSpec("ionex_prefix", .text, default: "codg",
                      "the maps' analysis centre and product in the old names (`codg`: CODE final); its first three letters name the long ones"),
            ParamSpec("ionex_url", .text, unset: "no download: a missing day is an error",
                      "a URL template to download a missing day into `ionex`: `{yyyy}`, `{yy}`, `{ddd}`, `{prefix}`, `{PREFIX}` are replaced (in an Arrakisfile string, write them `{{yyyy}}`)"),
            ParamSpec("download_timeout", .number(NumberBounds(above: 0, atMost: 3600)), default: "60",
                      "seconds before one download attempt is abandoned"),
            ParamSpec("download_retries", .integer(min: 1, max: 20), default: "3", "download attempts per day"),
            ParamSpec("shell_height", .number(NumberBounds(above: 0, atMost: 20_000)), default: "450",
                      "the thin ionospheric shell's height above the ellipsoid, km (RMextract's)"),
            ParamSpec("timestep", .number(NumberBounds(atLeast: 1, atMost: 86_400)), default: "300",
                      "seconds between samples of RM_ion(t) (the original asks FRion for 300)"),
            ParamSpec("interpolation", .choice(["linear", "rotated"]), default: "linear",
                      "TEC between maps: `linear` at fixed longitude (RMextract's), or `rotated` with the Sun (IONEX 1.1's method 3)"),
            ParamSpec("elevation_model", .choice(["rigorous", "pyephem"]), default: "rigorous",
                      "the line of sight: `rigorous` (RMextract with casacore, as the original runs), or `pyephem` (RMextract without casacore: a geocentric observer latitude, ~0.15 deg off) to compare with such a run"),
            ParamSpec("site_latitude", .number(NumberBounds(atLeast: -90, atMost: 90)), default: "-26.7042",
                      "the telescope's geodetic latitude, degrees (ASKAP)"),
            ParamSpec("site_longitude", .number(NumberBounds(atLeast: -180, atMost: 360)), default: "116.6589",
                      "the telescope's longitude, degrees east (ASKAP)"),
            ParamSpec("site_height", .number(NumberBounds(atLeast: -1000, atMost: 10_000)), default: "381",
                      "the telescope's height above the WGS84 ellipsoid, metres (ASKAP)"),
            ParamSpec("cutoff", .number(NumberBounds(above: 0, below: 1)), default: "0.01",
                      "for a region's island: the primary-beam cutoff of its mosaics (each field's modulation is weighted as its beams weigh in the mosaic)"),
            ParamSpec("dish_diameter", .number(NumberBounds(above: 0)), default: "12",
                      "for a region's island: the antennas' diameter of its mosaics' primary beam, metres"),
            ParamSpec("fwhm_factor", .number(NumberBounds(above: 0)), default: "1.09",
                      "for a region's island: its mosaics' primary-beam FWHM in units of lambda / diameter"),
            ParamSpec("results", .fieldName, default: FrionSignature.results, outputLocation: true,
                      "the islands' field that holds the predictions (one element per field); give a second frion product its own"),
            CommonSignature.database,
        ],
        inputs: [
            InputSpec("table", pathsOnly: true, "the field's table, written by a `sources` product, or a region's island's, written by a `region` product"),
            InputSpec("spectra", producers: ["spectra"], "the field's (or island's) spectra (a `spectra` product)"),
        ],
        manifest: true,
        writes: ["`<Gaussian_ID>.ion.dat` (the corrected spectrum) beside each spectrum, and `<Source_ID>_ion.txt` (freq, Re theta, Im theta) beside its island's",
                 "the field's element of `islands.<results>`: `times`, `RMs`, `elevations`, `freq`, `theta_real`, `theta_imag`, `RM_ion_mean`, `ionex`; for a region's island also `fields` (each field's `RM_ion_mean` and share of the weight), the series being the heaviest field's",
                 "the list of the IONEX files it read, `<manifest>.inputs` (a later change to one rebuilds it)",
                 "downloaded IONEX files into `ionex`, when `ionex_url` is set"],
        discoversInputs: true)

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        let results = args.string("results", default: FrionSignature.results)
        return [.resource("the ionospheric corrections beside the spectra of \(args.values["input.spectra"] ?? "?")"),
                .resource("the ionospheric predictions (islands.\(results), field \(CommonSignature.field(args))) of \(CommonSignature.epochOf(args))")]
    }
}
