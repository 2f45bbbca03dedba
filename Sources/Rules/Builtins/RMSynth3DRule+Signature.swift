import Language
import Graph

extension RMSynth3DRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "rmsynth3d",
        version: 1,
        summary: "3-D RM synthesis (RM-Tools' rmsynth3d), and with `clean` RM-CLEAN (rmclean3d), of every island's Q/U mosaic cubes of one field",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("samples", .number(NumberBounds(above: 0)), default: "5",
                      "Faraday-depth samples per RMSF FWHM (rmsynth3d -s; the original's nSamples 5); ignored when `dphi` is set"),
            ParamSpec("weight", .choice(["variance", "uniform"]), default: "variance",
                      "channel weights: variance from each channel's noise (the larger of Q's and U's robust standard deviation over the island), or uniform"),
            ParamSpec("phi_max", .number(NumberBounds(above: 0)), unset: "automatic: max(sqrt(3) / the widest lambda^2 step, 10 RMSF FWHM)",
                      "the largest |Faraday depth| sampled, rad/m^2 (rmsynth3d -l)"),
            ParamSpec("dphi", .number(NumberBounds(above: 0)), unset: "RMSF FWHM / samples", "the Faraday-depth step, rad/m^2 (rmsynth3d -d)"),
            ParamSpec("stokes_i", .boolean, default: "false",
                      "divide Q and U by the island's I mosaic and scale the FDF by I at the reference frequency (rmsynth3d -i); the original passes no I"),
            ParamSpec("clean", .boolean, default: "false", "also RM-CLEAN the FDF cubes (rmclean3d), writing its files"),
            ParamSpec("cutoff", .number(NumberBounds()), default: "1", "with `clean`: stop below this residual peak, in the FDF's units (rmclean3d -c)"),
            ParamSpec("gain", .number(NumberBounds(above: 0, atMost: 1)), default: "0.1", "with `clean`: the loop gain (rmclean3d -g)"),
            ParamSpec("max_iter", .integer(min: 0, max: nil), default: "1000", "with `clean`: iterations per pixel (rmclean3d -n)"),
            ParamSpec("window", .number(NumberBounds()), unset: "off",
                      "with `clean`: clean deeper, to this level, within +/- FWHM/2 of the components found (rmclean3d -w)"),
            ParamSpec("max_memory_mb", .number(NumberBounds(above: 0)), default: "512",
                      "pixel data held at once per island; larger cubes are done in slabs of rows"),
            ParamSpec("directory", .path, unset: "beside each island's Q mosaic", outputLocation: true,
                      "where the files go: `<directory>/<FIELD>/<Source_ID>_FDF_*.fits`; give a second rmsynth3d product its own"),
            ParamSpec("results", .fieldName, default: RMSynth3DRule.defaultResults, outputLocation: true,
                      "the islands' field that holds the records (one element per field)"),
            CommonSignature.database,
        ],
        inputs: [InputSpec("mosaics", producers: ["mosaics"], "the field's island mosaics (a `mosaics` product with Q and U, and I for `stokes_i`)")],
        manifest: true,
        writes: ["RM-Tools' rmsynth3d files per island (`<Source_ID>_FDF_real_dirty.fits` ... `_FDF_peakRM.fits`, with `_FDF_maxPI_fit`, `_FDF_peakRM_fit`) and with `clean` rmclean3d's (`_FDF_clean_tot.fits`, `_FDF_CC_tot.fits`, `_CLEAN_nIter.fits` ...), and `<Source_ID>_rmsynth3d.json`",
                 "the field's element of `islands.<results>`: `rmsynth3d`, `rm3dfiles`, `rmsynth3d_summary`, and `rmclean3d`, `rmclean3dfiles`, or `error`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        let field = CommonSignature.field(args)
        let files: OutputClaim
        if let directory = args.values["directory"] {
            files = .resource("the 3-D RM synthesis files of field \(field) under \(ClaimPath.normal(directory))")
        } else {
            files = .resource("the 3-D RM synthesis files beside the mosaics of \(args.values["input.mosaics"] ?? "?")")
        }
        let results = args.string("results", default: RMSynth3DRule.defaultResults)
        return [files, .resource("the 3-D RM synthesis records (islands.\(results), field \(field)) of \(CommonSignature.epochOf(args))")]
    }
}
