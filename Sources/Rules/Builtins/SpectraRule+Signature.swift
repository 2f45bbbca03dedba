import Graph

extension SpectraRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "spectra",
        summary: "extracts each component's I, Q and U spectrum of one field from its island's mosaics",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("cutouts", .path, required: true, outputLocation: true,
                      "the directory of cutouts (as the mosaics product's); spectra go to `<cutouts>/<Source_ID>/<FIELD>/`"),
        ],
        inputs: [
            InputSpec("table", pathsOnly: true, "the field's table, written by a `sources` product"),
            InputSpec("mosaics", producers: ["mosaics"], "the field's mosaics (a `mosaics` product)"),
        ],
        manifest: true,
        writes: ["`<Gaussian_ID>.dat` and `_bkg.dat` under `<cutouts>/<Source_ID>/<FIELD>/`"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        [.resource("the spectra of field \(CommonSignature.field(args)) under \(ClaimPath.normal(args.string("cutouts", default: "?")))")]
    }
}
