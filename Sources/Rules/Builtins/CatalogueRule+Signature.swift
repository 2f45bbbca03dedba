import Language
import Graph

extension CatalogueRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "catalogue",
        version: 3,
        summary: "the polarisation catalogue of one field (RMTable v1.3 columns and the original's flags), as VOTable and FITS",
        loopVariables: [CommonSignature.epoch, CommonSignature.field],
        params: [
            CommonSignature.database,
            ParamSpec("results", .fieldName, unset: "the rmclean input's (rm_outputs_1d by default)",
                      "the components' field the RM results are read from"),
            ParamSpec("leakage_degree", .integer(min: 0, max: 10), default: "4",
                      "the leakage envelope's polynomial degree (the original's --leakage_degree)"),
            ParamSpec("leakage_bins", .integer(min: 1, max: 1000), default: "16",
                      "equal-width bins of separation from the tile centre the envelope is fitted to (--leakage_bins)"),
            ParamSpec("leakage_snr", .number(NumberBounds(atLeast: 0)), default: "30",
                      "only sources with stokesI / stokesI_err above this take part in the envelope (--leakage_snr)"),
        ],
        inputs: [
            InputSpec("table", pathsOnly: true, "the field's table, written by a `sources` product, or a region's, written by a `region` product (its `table`)"),
            InputSpec("mosaics", count: .many, producers: ["mosaics"], "the field's mosaics (for each island's restoring beam); for a region, its islands'"),
            InputSpec("rmclean", count: .many, producers: ["rmclean", "rmsynth"],
                      "the field's RM results to follow: an `rmclean` (or `rmsynth`) product; for a region, its islands'"),
        ],
        outputs: [OutputSpec("votable", "the catalogue as VOTable 1.3"), OutputSpec("fits", "the catalogue as a FITS table")],
        manifest: false)

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] { [] }
}

extension SurveyCatalogueRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "survey_catalogue",
        summary: "every field catalogue in one table (each row keeps its field's flags), as VOTable and FITS",
        inputs: [InputSpec("fields", count: .many, producers: ["catalogue"], "the field catalogues (a `catalogue` product)")],
        outputs: [OutputSpec("votable", "the catalogue as VOTable 1.3"), OutputSpec("fits", "the catalogue as a FITS table")],
        manifest: false)

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] { [] }
}
