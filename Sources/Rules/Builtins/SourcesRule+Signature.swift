import Language
import Graph

extension SourcesRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "sources",
        summary: "loads the catalogue and one epoch's RACS observations into the pipeline database (like `arrakis init`), and writes a table per field",
        loopVariables: [CommonSignature.epoch],
        params: [
            ParamSpec("racs", .racsDatabase, required: true,
                      "the RACS database: a directory of CSV files (`db/epoch_<N>/...`) or `postgresql://user@host/db`"),
            ParamSpec("fields", .path, required: true, outputLocation: true, ownsDirectory: true,
                      "the directory of field tables, one `<FIELD>.json` per field that sees an island; the rule owns it (tables of fields no longer observed are removed)"),
            CommonSignature.database,
        ],
        inputs: [
            InputSpec("islands", pathsOnly: true, "the island catalogue (FITS, VOTable or CSV)"),
            InputSpec("components", pathsOnly: true, "the component catalogue (FITS, VOTable or CSV)"),
            InputSpec("racs_tables", required: false, count: .many, pathsOnly: true,
                      "the RACS database's files when `racs` is a directory, so that a change to them rebuilds the epoch"),
        ],
        manifest: true,
        writes: ["the field tables in `fields`",
                 "`islands`, `components`, `beams`, `fields` and `beam_inf` of the epoch in `database` (by upsert: results stored by later stages stay)"])

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        var out: [OutputClaim] = [.resource("the catalogue and observations of \(CommonSignature.epochOf(args))")]
        if let fields = args.values["fields"] { out.append(.directory(ClaimPath.normal(fields))) }
        return out
    }
}
