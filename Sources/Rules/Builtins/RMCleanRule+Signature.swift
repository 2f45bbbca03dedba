import Language
import Graph

extension RMCleanRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "rmclean",
        version: 2,
        summary: "RM-CLEAN (RM-Tools' rmclean1d) of every component of one field that RM synthesis analysed",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            ParamSpec("cutoff", .number(NumberBounds(nonZero: true)), default: "-8",
                      "stop when the residual peak is below this: Jy/beam if positive, a multiple of the theoretical FDF noise if negative"),
            ParamSpec("gain", .number(NumberBounds(above: 0, atMost: 1)), default: "0.1", "the CLEAN loop gain"),
            ParamSpec("max_iter", .integer(min: 0, max: nil), default: "10000", "the iteration limit"),
            ParamSpec("window", .number(NumberBounds(nonZero: true)), unset: "off",
                      "clean deeper, to this level (same convention as `cutoff`), within +/- FWHM/2 of the components found"),
        ],
        inputs: [InputSpec("rmsynth", producers: ["rmsynth"],
                           "the field's RM synthesis (an `rmsynth` product): its settings, files, database and results field are used")],
        manifest: true,
        writes: ["`_FDFclean.dat`, `_FDFmodel.dat`, `_RMclean.dat`, `_RMclean.json` beside the RM synthesis files",
                 "`rmclean1d`, `rmclean_summary` in the rmsynth's element of `components.<results>`"],
        retiredParams: Dictionary(uniqueKeysWithValues: ["poly_order", "fit_function", "samples", "weight", "phi_max", "dphi",
                                                          "allow_negative_model", "database", "directory", "results"].map {
            ($0, "rmclean uses its rmsynth input's \($0); set it on the rmsynth product")
        }))

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        [.resource("the RM-CLEAN of the RM synthesis \(args.values["input.rmsynth"] ?? "?") (its files and database results)")]
    }
}
