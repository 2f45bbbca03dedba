import Astro
import Foundation
import XCTest

/// The `arrakis` executable built next to the test bundle (or `$ARRAKIS_BIN`).
func arrakisBinary() throws -> String {
    var candidates: [String] = []
    if let env = ProcessInfo.processInfo.environment["ARRAKIS_BIN"] { candidates.append(env) }
    let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    var dir = testBinary.deletingLastPathComponent()
    for _ in 0..<4 {
        candidates.append(dir.appendingPathComponent("arrakis").path)
        dir = dir.deletingLastPathComponent()
    }
    let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    candidates.append(repo.appendingPathComponent(".build/debug/arrakis").path)
    for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
    throw XCTSkip("arrakis executable not found (tried \(candidates)); run `swift build` first")
}

/// The repository's root directory.
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs `arrakis ARGS` in `directory` and waits for it.
@discardableResult
func arrakis(_ args: [String], in directory: String, environment: [String: String] = [:],
             file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
    try runToEnd(try arrakisProcess(args, in: directory, environment: environment))
}

func arrakisProcess(_ args: [String], in directory: String, environment: [String: String] = [:]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: try arrakisBinary())
    process.arguments = args
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var env = ProcessInfo.processInfo.environment
    // libmongoc initialises in every arrakis process and, when a killed process left its
    // /dev/shm counters file under a PID this one reuses, warns on stderr first: the tests
    // read stderr, so they run without those counters.
    env["MONGOC_DISABLE_SHM"] = "1"
    for (k, v) in environment { env[k] = v }
    process.environment = env
    return process
}

/// A fresh temporary directory, removed when the test ends.
func scratchDirectory(_ test: XCTestCase) throws -> String {
    let path = NSTemporaryDirectory() + "arrakis-cli-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// A copy of `examples/NAME` (sources only: no outputs, no state) in a scratch directory.
func copyOfExample(_ name: String, _ test: XCTestCase) throws -> String {
    let dir = try scratchDirectory(test) + "/" + name
    let source = repositoryRoot + "/examples/" + name
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: source + "/Arrakisfile", toPath: dir + "/Arrakisfile")
    try FileManager.default.copyItem(atPath: source + "/inputs", toPath: dir + "/inputs")
    return dir
}

func write(_ text: String, to path: String) throws {
    try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}

func read(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// The root Arrakisfile's products with one instance per epoch and field.
let perFieldFamilies = ["cutouts", "mosaics", "spectra", "frion", "rmsynth", "rmclean", "catalogue"]

/// The `{"count": N, "tasks": [...]}` object of `build --dry-run --json`.
struct DryRunPlan: Decodable {
    struct Task: Decodable { var product: String; var reason: String }
    var count: Int
    var tasks: [Task]
    var products: Set<String> { Set(tasks.map(\.product)) }
}

func dryRunPlan(in directory: String, environment: [String: String] = [:],
                file: StaticString = #filePath, line: UInt = #line) throws -> DryRunPlan {
    let r = try arrakis(["build", "--dry-run", "--json"], in: directory, environment: environment)
    XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
    let lines = r.stdout.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, "exactly one JSON object expected: \(r.stdout)", file: file, line: line)
    return try JSONDecoder().decode(DryRunPlan.self, from: Data(r.stdout.utf8))
}

/// The root Arrakisfile with the survey catalogue made of the per-field catalogues (one row
/// per component, field and epoch) instead of the merged region's: for the tests of the
/// per-field products, which then are what a plain build makes.
func perFieldArrakisfile() throws -> String {
    let root = try String(contentsOfFile: repositoryRoot + "/Arrakisfile", encoding: .utf8)
    let merged = "input fields = region_catalogue"
    guard root.contains(merged) else { throw XCTSkip("the root Arrakisfile's survey_catalogue has no `\(merged)`") }
    return root.replacingOccurrences(of: merged, with: "input fields = catalogue")
}

/// A catalogue file's columns for the tests that read one: a missing column skips the
/// test, naming it and the file (the catalogue's schema is tested elsewhere).
struct CatalogueColumns {
    let path: String
    let catalogue: PolarisationCatalogue
    init(_ path: String) throws {
        self.path = path
        catalogue = try PolarisationCatalogue.readFITS(path)
    }
    var rowCount: Int { catalogue.rowCount }
    func reals(_ name: String) throws -> [Double] {
        guard let v = catalogue[column: name]?.reals else { throw XCTSkip("no real column \(name) in \(path)") }
        return v
    }
    /// Text cells without the FITS padding.
    func texts(_ name: String) throws -> [String] {
        guard let v = catalogue[column: name]?.texts else { throw XCTSkip("no text column \(name) in \(path)") }
        return v.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    func integers(_ name: String) throws -> [Int?] {
        guard let v = catalogue[column: name]?.integers else { throw XCTSkip("no integer column \(name) in \(path)") }
        return v
    }
}

/// A simulated survey's truth.csv: the sky's RM of each component and which are isolated
/// (unconfused), with the other columns by name.
struct SimulatedTruth {
    var rm: [String: Double] = [:]
    var isolated = Set<String>()
    var header: [String] = []
    var rows: [String: [String]] = [:]

    init(survey: String) throws {
        let lines = try String(contentsOfFile: survey + "/truth.csv", encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }
        header = lines[0].split(separator: ",").map(String.init)
        guard let id = header.firstIndex(of: "gaussian_id"), let rmColumn = header.firstIndex(of: "rm"),
              let iso = header.firstIndex(of: "isolated") else { throw XCTSkip("truth.csv lacks gaussian_id, rm or isolated") }
        for l in lines.dropFirst() {
            let f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            rows[f[id]] = f
            rm[f[id]] = Double(f[rmColumn])
            if f[iso] == "1" { isolated.insert(f[id]) }
        }
    }
}

/// A manifest's rows (tab-separated, a header line), each as column -> value.
func manifestRows(_ path: String) throws -> [[String: String]] {
    let lines = try read(path).split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
}
