import Foundation
import Graph

/// `arrakis build --dry-run --json`: one object
/// `{count, tasks:[{product, reason}], pending:[{family, waitsFor, lastKnownCount}], new:[{bindings, count, families}]}`.
struct BuildPlanJSON: Encodable {
    struct Task: Encodable {
        var product: String
        var reason: String
    }

    struct Pending: Encodable {
        var family: String
        var waitsFor: [String]
        var lastKnownCount: Int
    }

    struct NewWork: Encodable {
        /// Loop variable -> value.
        var bindings: [String: String]
        var count: Int
        var families: [String]
    }

    var count: Int
    var tasks: [Task]
    var pending: [Pending]
    var new: [NewWork]

    init(_ engine: BuildEngine) {
        let planned = engine.plannedJobs()
        count = planned.count
        tasks = planned.map { Task(product: $0.key, reason: $0.reason.description) }
        pending = engine.pendingFamilies.map { Pending(family: $0.family, waitsFor: $0.waitsFor, lastKnownCount: $0.lastKnownCount) }
        new = engine.newWorkGroups().map { g in
            NewWork(bindings: Dictionary(g.bindings.map { ($0.variable, $0.value) }, uniquingKeysWith: { a, _ in a }),
                    count: g.count, families: g.families)
        }
    }

    /// The object on one line, keys sorted (the same bytes for the same plan).
    var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings, ints and arrays of them: encoding cannot fail.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
