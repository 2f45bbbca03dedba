import Language
import Graph

extension RegionRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "region",
        summary: "merges the fields of a region (the original's merge_fields): every island once, with its cutouts from every field that sees it, as a table per island to fan out over",
        loopVariables: [CommonSignature.epoch],
        params: [
            ParamSpec("name", .fieldName, required: true,
                      "the region's name: the per-island products' `field`, the mosaics' and spectra's `<FIELD>` and the catalogue's `tile_id`"),
            ParamSpec("fields", .text, default: "all",
                      "the fields merged: `all` (every field whose cutouts are an input) or their names, separated by spaces or commas"),
            ParamSpec("tables", .path, required: true,
                      "the directory of field tables a `sources` product writes (its `fields`)"),
            ParamSpec("islands", .path, required: true, outputLocation: true, ownsDirectory: true,
                      "the directory of per-island tables, `<islands>/<Source_ID>.json`; the rule owns it (tables of islands no longer in the region are removed)"),
        ],
        inputs: [
            InputSpec("cutouts", count: .many, producers: ["cutouts"],
                      "the cutouts of the region's fields (`cutouts[epoch]`: every field of the epoch)"),
        ],
        outputs: [OutputSpec("table", "the region's table: every island once, the fields that see it, every member's beams and tile centre")],
        manifest: true,
        writes: ["a table per island in `islands`; the manifest's columns are `epoch field island fields table` (`field` is the region's name)"],
        discoversInputs: true)

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] {
        var out: [OutputClaim] = []
        if let islands = args.values["islands"] { out.append(.directory(ClaimPath.normal(islands))) }
        return out
    }
}
