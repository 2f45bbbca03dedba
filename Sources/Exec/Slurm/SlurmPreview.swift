import Foundation
import Graph

/// What `arrakis build --executor slurm` would submit, from a dry run's plan, without
/// talking to the cluster: the products that would run, in steps (a step's tasks become
/// ready once the steps before it are built, and go out together), and for each step the
/// job arrays the controller would make of them (one per resource class), with what each
/// array asks the scheduler for.
public struct SlurmPreview {
    public struct Array: Sendable {
        public var step: Int
        public var families: [String]
        public var tasks: Int
        public var elements: Int
        public var tasksPerElement: Int
        public var cpus: Int
        public var memoryMB: Int
        /// Asked per element (`--time`), seconds; 0 for none.
        public var elementSeconds: Int
        public var account: String?
        public var partition: String?
        public var qos: String?
        /// The job script the array would be submitted with (paths of this preview).
        public var script: String
    }

    public let arrays: [Array]
    public let settings: SlurmSettings
    /// Families whose instances are known only once a product that would run is built.
    public let pending: [BuildEngine.PendingFamily]

    /// `maxArraySize`: the cluster's MaxArraySize when known (from its slurm.conf).
    public init(engine: BuildEngine, settings: SlurmSettings, estimates: DurationEstimates = DurationEstimates(),
                stateDirectory: String, maxArraySize: Int = SlurmPreview.configuredMaxArraySize()) {
        self.settings = settings
        pending = engine.pendingFamilies
        let g = engine.graph
        // Step of each product that would run: one more than its latest upstream that would.
        var step: [InstanceID: Int] = [:]
        var planned: [InstanceID] = []
        for (id, s) in engine.state.enumerated() {
            switch s {
            case .wouldRun, .ready, .running: planned.append(id)
            default: continue
            }
        }
        for id in planned {   // graph order puts upstream instances first
            step[id] = 1 + (g.tasks[id].productInputs.compactMap { step[$0] }.max() ?? 0)
        }
        let planner = BatchPlanner(settings: settings, estimates: estimates, maxArraySize: maxArraySize)
        let cwd = FileManager.default.currentDirectoryPath
        let state = stateDirectory.hasPrefix("/") ? stateDirectory : cwd + "/" + stateDirectory
        var arrays: [Array] = []
        for s in Set(step.values).sorted() {
            let ids = planned.filter { step[$0] == s }
            let all = ids.map { (family: g.tasks[$0].key.family, resources: BatchPlanner.ResourceClass(g.tasks[$0].resources, settings: settings)) }
            // As the controller submits once it runs at full width (max_jobs elements in
            // flight): what does not fit goes out in later rounds.
            var left = Swift.Array(all.indices)
            var rounds: [(tasks: [(family: String, resources: BatchPlanner.ResourceClass)], arrays: [BatchPlanner.Array])] = []
            while !left.isEmpty {
                let tasks = left.map { all[$0] }
                let made = planner.plan(tasks, slots: settings.maxJobs)
                let taken = Set(made.flatMap { $0.elements.joined() })
                guard !taken.isEmpty else { break }
                rounds.append((tasks, made))
                left = left.enumerated().filter { !taken.contains($0.offset) }.map(\.element)
            }
            for (tasks, made) in rounds { for planned in made where !planned.elements.isEmpty {
                let members = planned.elements.joined()
                var families: [String] = []
                for i in members where !families.contains(tasks[i].family) { families.append(tasks[i].family) }
                let r = planned.resources
                let name = "preview-step\(s)-\(arrays.count + 1)"
                let script = JobScript(settings: settings, name: "arrakis-" + name, elements: planned.elements.count,
                                       directory: state + "/slurm/" + name, projectDirectory: cwd, resources: r,
                                       tasksPerElement: planned.tasksPerElement,
                                       arrakis: settings.arrakisPath ?? SlurmExecutor.currentExecutable).text
                arrays.append(Array(step: s, families: families, tasks: members.count, elements: planned.elements.count,
                                    tasksPerElement: planned.tasksPerElement, cpus: r.cpus, memoryMB: r.memoryMB,
                                    elementSeconds: r.timeSeconds > 0 ? r.timeSeconds * planned.tasksPerElement + 60 : 0,
                                    account: r.account, partition: r.partition, qos: r.qos, script: script))
            } }
        }
        self.arrays = arrays
    }

    /// The preview as a table, with totals.
    public var text: String {
        let later = pending.map { "slurm: not counted: \($0.family), whose instances are known once \($0.waitsFor.joined(separator: ", ")) is built (last known: \($0.lastKnownCount))\n" }.joined()
        guard !arrays.isEmpty else { return "slurm: nothing would be submitted\n" + later }
        let header = ["step", "products", "tasks", "elements", "tasks/element", "cpus", "mem", "time/element", "partition", "account", "qos"]
        var rows = [header]
        for a in arrays {
            rows.append(["\(a.step)", a.families.joined(separator: ","), "\(a.tasks)", "\(a.elements)", "\(a.tasksPerElement)",
                         "\(a.cpus)", a.memoryMB > 0 ? "\(a.memoryMB)M" : "-",
                         a.elementSeconds > 0 ? SlurmDuration.text(a.elementSeconds) : "-",
                         a.partition ?? "-", a.account ?? "-", a.qos ?? "-"])
        }
        let widths = header.indices.map { c in rows.map { $0[c].count }.max()! }
        var out = "slurm: would submit \(arrays.count) job array\(arrays.count == 1 ? "" : "s") (sbatch calls) of "
            + "\(arrays.reduce(0) { $0 + $1.elements }) elements for \(arrays.reduce(0) { $0 + $1.tasks }) tasks, "
            + "a step once the steps before it are built; at most \(settings.maxJobs) elements in flight (\(min(settings.minJobs, settings.maxJobs)) at first):\n"
        for r in rows {
            out += "  " + zip(r, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) + "\n"
        }
        return out + later
    }

    /// Writes each array's job script to `directory` (`step1-array1.sh`, ...); returns the paths.
    public func writeScripts(to directory: String) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var paths: [String] = []
        for (i, a) in arrays.enumerated() {
            let path = "\(directory)/step\(a.step)-array\(i + 1).sh"
            let note = "# arrakis preview: \(a.tasks) task(s) of \(a.families.joined(separator: ", ")), \(a.elements) element(s) of \(a.tasksPerElement);\n"
                + "# a real build writes the tasks and this script to its own .arrakis/slurm/ directory and submits it.\n"
            var lines = a.script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines.insert(note.trimmingCharacters(in: .newlines), at: 1)
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            paths.append(path)
        }
        return paths
    }

    /// MaxArraySize from the slurm.conf SLURM_CONF names (or /etc/slurm/slurm.conf), read as
    /// a file: no command, no controller. 1001 (SLURM's default) when it says nothing.
    public static func configuredMaxArraySize(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        let path = environment["SLURM_CONF"] ?? "/etc/slurm/slurm.conf"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 1001 }
        for line in text.split(separator: "\n") {
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.lowercased().hasPrefix("maxarraysize"), let eq = t.firstIndex(of: "=") else { continue }
            if let n = Int(t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces).prefix { $0.isNumber }) { return n }
        }
        return 1001
    }
}
