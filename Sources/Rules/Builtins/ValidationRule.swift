import Language
import Astro
import Foundation
import Graph

/// `rule validation` (stage 7): plots of a polarisation catalogue and a report page listing
/// them with summary numbers. Input `catalogue` (the FITS catalogue; of several paths, the
/// `.fits` one) and optionally `truth` (a simulated survey's truth.csv). Output `report`
/// (HTML) and any of the plots by name (`ValidationPlot`: `noise_i`, `noise_q`,
/// `noise_u`, `noise_fdf`, `leakage_q`, `leakage_u`, `leakage_radial`, `rm_sky`, `rm_histogram`,
/// `rm_truth`), each a PNG. Only the declared plots are made. Without `truth` (or with an
/// empty one: a glob that found nothing) `rm_truth` is a plot that says there is no truth.
public struct ValidationRule: BuiltinRule {
    public init() {}

    public func run(arguments: [String: String], outputs: [String], log: TaskLog) throws {
        let args = BuiltinArguments(arguments, kind: "validation")
        let fits = try args.inputPaths("catalogue").filter { $0.hasSuffix(".fits") }
        guard fits.count == 1 else {
            throw BuiltinRuleError.badArgument(kind: "validation", name: "input catalogue", value: fits.joined(separator: " "),
                                               expected: "exactly one .fits catalogue")
        }
        // No truth table (a real survey; a glob that found nothing) is fine: rm_truth says so.
        let truths = arguments["input.truth"] == nil ? [] : try args.inputPaths("truth")
        guard truths.count <= 1 else {
            throw BuiltinRuleError.badArgument(kind: "validation", name: "input truth", value: truths.joined(separator: " "),
                                               expected: "at most one truth table")
        }
        let truth = truths.first
        let known = Set(ValidationPlot.allCases.map(\.rawValue))
        let declared = arguments.keys.filter { $0.hasPrefix("output.") }.map { String($0.dropFirst("output.".count)) }
        for name in declared where name != "report" && name != "manifest" && !known.contains(name) {
            throw BuiltinRuleError.failed("rule validation: no plot called '\(name)' (plots: \(ValidationPlot.allCases.map(\.rawValue).joined(separator: ", ")); and output report)")
        }
        let reportFinal = try finalPath(args, "report")
        let plots = ValidationPlot.allCases.filter { declared.contains($0.rawValue) }
        do {
            let report = try ValidationReport(catalogueFITS: fits[0], truthCSV: truth)
            var links: [(ValidationPlot, String)] = []
            for plot in plots {
                try report.image(plot).write(to: try args.outputPath(plot.rawValue))
                links.append((plot, Self.relative(try finalPath(args, plot.rawValue), from: reportFinal)))
            }
            let page = report.html(catalogue: Self.relative(fits[0], from: reportFinal), plots: links)
            try AtomicTextFile.write(page, to: try args.outputPath("report"))
            log.write("\(report.summary.rows) rows: \(plots.count) plots and \(reportFinal)")
        } catch let e as BuiltinRuleError {
            throw e
        } catch {
            throw BuiltinRuleError.failed("validation: \(error)")
        }
    }

    private func finalPath(_ args: BuiltinArguments, _ name: String) throws -> String {
        guard let p = args.values["output." + name] else {
            throw BuiltinRuleError.missingArgument(kind: "validation", name: "output " + name)
        }
        return p
    }

    /// `path` as seen from the directory of the file `from` (both relative to the same
    /// directory, or both absolute).
    static func relative(_ path: String, from file: String) -> String {
        let base = file.split(separator: "/", omittingEmptySubsequences: true).dropLast().map(String.init)
        let target = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard path.hasPrefix("/") == file.hasPrefix("/") else { return path }
        var common = 0
        while common < base.count, common < target.count - 1, base[common] == target[common] { common += 1 }
        return (Array(repeating: "..", count: base.count - common) + target[common...]).joined(separator: "/")
    }
}
