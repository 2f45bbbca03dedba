import Foundation

/// One line of a history spool file: a run or a task record, as JSON with times in
/// integer milliseconds (exactly what the stores keep).
enum SpoolEntry: Codable, Equatable {
    case run(RunRecord)
    case task(TaskRecord)

    private enum Key: String, CodingKey { case run, task }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        if let r = try c.decodeIfPresent(RunRecord.self, forKey: .run) { self = .run(r); return }
        self = .task(try c.decode(TaskRecord.self, forKey: .task))
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        switch self {
        case .run(let r): try c.encode(r, forKey: .run)
        case .task(let t): try c.encode(t, forKey: .task)
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(HistoryTime.milliseconds(date))
        }
        return e
    }()

    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .custom { decoder in
            HistoryTime.date(milliseconds: try decoder.singleValueContainer().decode(Int64.self))
        }
        return d
    }()
}
