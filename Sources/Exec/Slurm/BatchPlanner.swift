import Graph

/// Splits the tasks waiting for SLURM into job arrays: one array per resource class (tasks
/// asking the same cpus, memory and time share one), each element running a batch of tasks.
struct BatchPlanner {
    /// What an element asks the scheduler for; tasks of one class can share an array.
    struct ResourceClass: Hashable, Comparable {
        var cpus: Int
        var memoryMB: Int
        /// Per task (0: none given).
        var timeSeconds: Int
        var account: String?
        var partition: String?
        var qos: String?
        /// What a task with resources `r` asks for: its own, else the settings' defaults.
        init(_ r: Resources, settings: SlurmSettings) {
            self.init(cpus: max(1, r.cpus == 1 ? (settings.cpus ?? 1) : r.cpus),
                      memoryMB: r.memoryMB > 0 ? r.memoryMB : (settings.memoryMB ?? 0),
                      timeSeconds: r.timeSeconds > 0 ? r.timeSeconds : (settings.timeSeconds ?? 0),
                      account: r.queue["account"] ?? settings.account, partition: r.queue["partition"] ?? settings.partition,
                      qos: r.queue["qos"] ?? settings.qos)
        }

        init(cpus: Int, memoryMB: Int, timeSeconds: Int, account: String? = nil, partition: String? = nil, qos: String? = nil) {
            self.cpus = cpus
            self.memoryMB = memoryMB
            self.timeSeconds = timeSeconds
            self.account = account
            self.partition = partition
            self.qos = qos
        }

        static func < (a: Self, b: Self) -> Bool {
            (a.cpus, a.memoryMB, a.timeSeconds, a.partition ?? "", a.account ?? "", a.qos ?? "")
                < (b.cpus, b.memoryMB, b.timeSeconds, b.partition ?? "", b.account ?? "", b.qos ?? "")
        }
    }

    /// One array to submit: `elements` batches of task indices (into the planner's input).
    struct Array {
        var resources: ResourceClass
        var elements: [[Int]]
        var tasksPerElement: Int
    }

    var settings: SlurmSettings
    var estimates: DurationEstimates
    var maxArraySize: Int

    /// Arrays for `tasks` (family and resources of each), using at most `slots` elements in
    /// all. Tasks that do not fit wait for a later round.
    func plan(_ tasks: [(family: String, resources: ResourceClass)], slots: Int) -> [Array] {
        guard slots > 0, !tasks.isEmpty else { return [] }
        var byClass: [ResourceClass: [Int]] = [:]
        for (i, t) in tasks.enumerated() { byClass[t.resources, default: []].append(i) }
        var arrays: [Array] = []
        var left = slots
        for (resources, members) in byClass.sorted(by: { $0.key < $1.key }) {
            guard left > 0 else { break }
            // Slots shared in proportion to the work waiting, at least one per class.
            let share = max(1, min(left, Int((Double(slots) * Double(members.count) / Double(tasks.count)).rounded(.up))))
            let perElement = tasksPerElement(members.map { tasks[$0].family }, resources: resources, slots: share)
            var elements: [[Int]] = []
            var i = 0
            while i < members.count, elements.count < min(share, maxArraySize) {
                elements.append(Swift.Array(members[i..<min(members.count, i + perElement)]))
                i += perElement
            }
            left -= elements.count
            // The largest element decides the time asked for (one task of a class asks for one task's time).
            arrays.append(Array(resources: resources, elements: elements, tasksPerElement: elements.map(\.count).max() ?? perElement))
        }
        return arrays
    }

    /// `--tasks-per-job` when given; otherwise the waiting work spread over the slots, but no
    /// more than `jobSeconds` of expected work per element (from recorded durations, else
    /// the rule's `time`).
    func tasksPerElement(_ families: [String], resources: ResourceClass, slots: Int) -> Int {
        if let n = settings.tasksPerJob { return max(1, n) }
        let spread = (families.count + slots - 1) / max(1, slots)
        let known = families.compactMap { estimates.seconds(family: $0) }
        let perTask: Double? = known.isEmpty
            ? (resources.timeSeconds > 0 ? Double(resources.timeSeconds) : nil)
            : max(0.001, known.reduce(0, +) / Double(known.count))
        guard let perTask else { return max(1, spread) }
        let cap = max(1, Int(Double(settings.jobSeconds) / perTask))
        return max(1, min(spread, cap))
    }
}
