import Language
import Graph

extension RMClean3DRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "rmclean3d",
        version: 1,
        summary: "RM-CLEAN (RM-Tools' rmclean3d) of every island's dirty FDF cubes that an `rmsynth3d` product wrote, for one field",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("cutoff", .number(NumberBounds()), default: "1", "stop below this residual peak, in the FDF's units (rmclean3d -c); pixels whose dirty peak is below it are not cleaned"),
            ParamSpec("gain", .number(NumberBounds(above: 0, atMost: 1)), default: "0.1", "the loop gain (rmclean3d -g)"),
            ParamSpec("max_iter", .integer(min: 0, max: nil), default: "1000", "iterations per pixel (rmclean3d -n)"),
            ParamSpec("window", .number(NumberBounds()), unset: "off",
                      "clean deeper, to this level, within +/- FWHM/2 of the components found (rmclean3d -w)"),
            ParamSpec("max_memory_mb", .number(NumberBounds(above: 0)), default: "512",
                      "pixel data held at once per island; larger cubes are done in slabs of rows"),
            ParamSpec("directory", .path, unset: "beside each island's dirty FDF", outputLocation: true,
                      "where the files go: `<directory>/<FIELD>/<Source_ID>_FDF_clean_*.fits`"),
            ParamSpec("results", .fieldName, default: RMSynth3DRule.defaultResults, outputLocation: true,
                      "the islands' field that holds the records (the rmsynth3d product's, so one element per field holds both)"),
            CommonSignature.database,
        ],
        inputs: [InputSpec("rmsynth3d", producers: ["rmsynth3d"], "the field's 3-D RM synthesis (an `rmsynth3d` product without `clean`)")],
        manifest: true,
        writes: ["RM-Tools' rmclean3d files per island (`<Source_ID>_FDF_clean_real.fits` ... `_FDF_CC_tot.fits`, `_CLEAN_nIter.fits`) and `<Source_ID>_rmclean3d.json`",
                 "the field's element of `islands.<results>`: `rmclean3d`, `rmclean3dfiles`, `rmclean3d_summary`, or `rmclean3d_error`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        let field = CommonSignature.field(args)
        let files: OutputClaim
        if let directory = args.values["directory"] {
            files = .resource("the 3-D RM-CLEAN files of field \(field) under \(ClaimPath.normal(directory))")
        } else {
            files = .resource("the 3-D RM-CLEAN files beside the FDFs of \(args.values["input.rmsynth3d"] ?? "?")")
        }
        let results = args.string("results", default: RMSynth3DRule.defaultResults)
        return [files, .resource("the 3-D RM-CLEAN records (islands.\(results), field \(field)) of \(CommonSignature.epochOf(args))")]
    }
}
