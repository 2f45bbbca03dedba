import Language
import Graph

extension MosaicsRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "mosaics",
        summary: "mosaics each island's beam cutouts of one field into one image per Stokes parameter (I, Q, U, and V when `stokes` asks; LINMOS weighting)",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("cutoff", .number(NumberBounds(above: 0, below: 1)), default: "0.01",
                      "the primary-beam level below which a beam's pixels are left out"),
            ParamSpec("dish_diameter", .number(NumberBounds(above: 0)), default: "12",
                      "the antennas' diameter in metres, for the Gaussian primary beam (FWHM = fwhm_factor x lambda / diameter)"),
            ParamSpec("fwhm_factor", .number(NumberBounds(above: 0)), default: "1.09", "the primary beam's FWHM in units of lambda / diameter"),
            ParamSpec("cutouts", .path, required: true, outputLocation: true,
                      "the directory of cutouts (as the cutouts product's); the mosaics are written beside them"),
            StokesSelection.param("cutouts are mosaicked", note: "; V needs V cutouts (the cutouts product's `stokes` too)"),
            CommonSignature.beamsResults,
            CommonSignature.database,
        ],
        inputs: [
            InputSpec("table", pathsOnly: true, "the field's table, written by a `sources` product, or a region's island's, written by a `region` product"),
            InputSpec("cutouts", required: false, producers: ["cutouts"], "the field's cutouts (a `cutouts` product); none for a region's island, whose table lists them"),
        ],
        manifest: true,
        writes: ["`<Source_ID>.cutout.image.restored.<s>.<FIELD>.contcube.linmos.fits` and its weights under `cutouts`",
                 "`<results>.<FIELD>.<s>_file` of the beams documents in `database`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        let field = CommonSignature.field(args)
        return [
            .resource("the mosaics of field \(field) under \(ClaimPath.normal(args.string("cutouts", default: "?")))"),
            .resource("the mosaic paths (\(args.string("results", default: CommonSignature.beamsRecord)).\(field).*_file) of \(CommonSignature.epochOf(args))"),
        ]
    }
}
