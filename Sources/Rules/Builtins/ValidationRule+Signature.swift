import Language
import Astro
import Graph

extension ValidationRule: PipelineRule {
    static let signature = RuleSignature(
        kind: "validation",
        summary: "validation plots (PNG) of a polarisation catalogue and a report page listing them",
        inputs: [
            InputSpec("catalogue", count: .many, producers: ["survey_catalogue", "catalogue"],
                      "the catalogue (its `.fits` output is read)"),
            InputSpec("truth", required: false, count: .many, pathsOnly: true, "a simulated survey's `truth.csv` (at most one; none on a real survey)"),
        ],
        outputs: [OutputSpec("report", "the HTML report")]
            + ValidationPlot.allCases.map { OutputSpec($0.rawValue, required: false, "the \($0.rawValue) plot (PNG)") },
        manifest: false)

    static func claims(_ args: BuiltinArguments) -> [OutputClaim] { [] }
}
