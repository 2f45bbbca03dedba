import Language
import Graph

extension CutoutsRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "cutouts",
        version: 2,
        summary: "cuts out every island of one field from each beam's I, Q and U cubes, and V ones when `stokes` asks (one pass per cube)",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("pad", .number(NumberBounds(above: 0)), default: "3",
                      "the margin around each island's components, in restoring-beam widths"),
            ParamSpec("cutouts", .path, required: true, outputLocation: true,
                      "the directory of cutouts: `<cutouts>/<Source_ID>/<Source_ID>.cutout.<cube name>` and the weights beside each"),
            ParamSpec("max_memory_mb", .number(NumberBounds(above: 0)), default: "1024",
                      "the memory the cutter holds for pixels (read buffers and the cutouts being assembled), MiB; a cube's islands whose cutouts do not fit are cut in bands of rows, one pass each"),
            StokesSelection.param("cubes are cut"),
            CommonSignature.beamsResults,
            CommonSignature.database,
        ],
        inputs: [
            InputSpec("table", pathsOnly: true, "the field's table, written by a `sources` product into its `fields` directory"),
            InputSpec("cubes", count: .many, pathsOnly: true, "the field's beam cubes (`image.restored.{i,q,u,v}.*.beamNN.conv.fits`; V ones are cut only with `stokes = \"IQUV\"`)"),
            InputSpec("weights", required: false, count: .many, pathsOnly: true, "the beams' weights files (`weights.restored.*.txt`), needed by mosaics"),
        ],
        manifest: true,
        writes: ["the cutouts of the field under `cutouts`",
                 "`<results>.<FIELD>.<s>_beam<N>_image_file` and `_weight_file` of the beams documents in `database`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        let field = CommonSignature.field(args)
        return [
            .resource("the cutouts of field \(field) under \(ClaimPath.normal(args.string("cutouts", default: "?")))"),
            .resource("the cutout paths (\(args.string("results", default: CommonSignature.beamsRecord)).\(field).*_beam*_file) of \(CommonSignature.epochOf(args))"),
        ]
    }
}
