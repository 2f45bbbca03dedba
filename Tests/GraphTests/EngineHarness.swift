import Foundation
import Graph
import XCTest

/// A failure a test executor reports for a job (`"boom"`).
struct Boom: Error, CustomStringConvertible {
    var description: String { "boom" }
}

/// What a test job writes to each of its outputs: its file inputs' text, one after the
/// other, or its key when it reads no file.
func defaultJobText(_ job: BuildEngine.Job) -> String {
    if job.spec.fileInputs.isEmpty { return job.key + "\n" }
    return job.spec.fileInputs.map { (try? String(contentsOfFile: $0, encoding: .utf8)) ?? "" }.joined()
}

/// Writes `text(job)` to each of the job's temporary outputs (as a command would).
func writeOutputs(_ job: BuildEngine.Job, _ text: (BuildEngine.Job) -> String) throws {
    let t = text(job)
    for o in job.spec.outputs {
        try t.write(toFile: TemporaryOutput.path(for: o), atomically: false, encoding: .utf8)
    }
}

/// Runs one job in-process, as an executor would: writes its outputs (`writeOutputs`),
/// commits them and reports the job finished; what `finished` throws is thrown. A job
/// whose key is in `failing` is reported failed with the message "boom" instead.
func runJob(_ engine: BuildEngine, _ job: BuildEngine.Job, failing: Set<String> = [],
            text: (BuildEngine.Job) -> String = defaultJobText) throws {
    if failing.contains(job.key) {
        try engine.failed(job.id, message: "\(Boom())")
        return
    }
    try TemporaryOutput.prepare(job.spec.outputs)
    try writeOutputs(job, text)
    try engine.finished(job.id, outputs: try job.spec.outputs.map(TemporaryOutput.commit))
}

/// Runs an engine to completion with `drive`, each job writing `text(job)` to its outputs;
/// those whose keys are in `failing` fail with "boom". Returns the keys of the jobs run.
@discardableResult
func runToCompletion(_ engine: BuildEngine, failing: Set<String> = [],
                     text: (BuildEngine.Job) -> String = defaultJobText) throws -> [String] {
    try drive(engine) { job in
        if failing.contains(job.key) { throw Boom() }
        try writeOutputs(job, text)
    }
}

/// A new engine over `families` with the stores of the sandbox (the current directory).
func makeEngine(_ families: [any FamilySource], targets: [BuildTarget] = [], dryRun: Bool = false,
                keepGoing: Bool = false) throws -> BuildEngine {
    let (d, t) = try Sandbox.openStores()
    return try BuildEngine(families: families, targets: targets, digests: d, traces: t,
                           options: .init(dryRun: dryRun, keepGoing: keepGoing))
}

/// A test task: no command runs it (the test executor writes its outputs).
func testTask(_ family: String, _ values: [String] = [], reads files: [String] = [], upstream ups: [InstanceID] = [],
              writes outputs: [String]) -> TaskSpec {
    TaskSpec(key: ProductKey(family: family, values: values), fileInputs: PathList(files), productInputs: ups,
             outputs: PathList(outputs), ruleKind: "test", command: .shell("\(family) \(values.joined(separator: " "))"))
}

/// A manifest fan-out: `list` copies `in/names.txt` (a TSV with the header `name`) to its
/// manifest `out/list.tsv`; `item[name]` is one instance per row of that manifest (expanded
/// only once `list` is built); `all` reads every item.
enum FanOutProject {
    static let names = "in/names.txt"
    static let manifest = "out/list.tsv"

    static func families() -> [any FamilySource] {
        let list = CodeFamily(name: "list") { _ in
            var t = testTask("list", reads: [names], writes: [manifest])
            t.manifest = manifest
            return [t]
        }
        let item = CodeFamily(name: "item", variables: ["name"], expansionFamilies: ["list"]) { _ in
            guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else {
                throw ExpansionError(family: "item", message: "cannot read \(manifest)")
            }
            let rows = text.split(separator: "\n").map(String.init)
            guard rows.first == "name" else { throw ExpansionError(family: "item", message: "\(manifest) has no header") }
            return rows.dropFirst().map { n in testTask("item", [n], writes: ["out/item-\(n).txt"]) }
        }
        let all = CodeFamily(name: "all", inputFamilies: ["item"]) { g in
            [testTask("all", upstream: Array(g.instances(of: "item")), writes: ["out/all.txt"])]
        }
        return [all, item, list]
    }
}

extension BuildEngine {
    /// The keys of the instances of `family`, in graph order.
    func keys(of family: String) -> [String] { graph.instances(of: family).map { graph.keyText[$0] } }

    /// The state of the instance with key text `key`.
    func state(of key: String) -> InstanceState? {
        graph.keyText.firstIndex(of: key).map { state[$0] }
    }
}
