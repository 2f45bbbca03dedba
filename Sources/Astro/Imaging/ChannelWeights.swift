import Foundation

/// The per-channel weights of a beam cube: the text file ASKAPsoft writes beside it,
/// `# Channel Weight` then one `chan weight` row per channel, weight = 1/sigma^2.
public struct ChannelWeights: Sendable, Equatable {
    /// Weight per 0-based channel; NaN for channels the file does not list.
    public var weights: [Double]

    public init(weights: [Double]) {
        self.weights = weights
    }

    /// The weight of `channel`, NaN when the file does not list it.
    public subscript(channel: Int) -> Double {
        weights.indices.contains(channel) ? weights[channel] : .nan
    }

    /// Reads a weights file. Rows may come in any order; `#` starts a comment.
    /// Throws `ImagingError.badWeights` naming the file and line for anything else
    /// (a row that is not `integer number`, a negative or repeated channel, a negative
    /// or non-finite weight, no rows at all).
    public static func read(_ path: String) throws(ImagingError) -> ChannelWeights {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .badWeights(path: path, line: nil, reason: "cannot read: \((error as NSError).localizedDescription)")
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    /// Parses the text of a weights file; `path` names it in errors.
    public static func parse(_ text: String, path: String) throws(ImagingError) -> ChannelWeights {
        var weights: [Double] = []
        var seen: [Bool] = []
        for (n, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "," })
            if fields.isEmpty { continue }
            guard fields.count == 2, let channel = Int(fields[0]), let weight = Double(fields[1]) else {
                throw .badWeights(path: path, line: n + 1, reason: "expected 'channel weight', found '\(line.trimmingCharacters(in: .whitespaces))'")
            }
            guard channel >= 0, channel < 1_000_000 else {
                throw .badWeights(path: path, line: n + 1, reason: "channel \(channel) is out of range")
            }
            guard weight.isFinite, weight >= 0 else {
                throw .badWeights(path: path, line: n + 1, reason: "weight \(fields[1]) is not a finite number >= 0")
            }
            if channel >= weights.count {
                weights += [Double](repeating: .nan, count: channel + 1 - weights.count)
                seen += [Bool](repeating: false, count: channel + 1 - seen.count)
            }
            guard !seen[channel] else {
                throw .badWeights(path: path, line: n + 1, reason: "channel \(channel) is listed twice")
            }
            seen[channel] = true
            weights[channel] = weight
        }
        guard !weights.isEmpty else {
            throw .badWeights(path: path, line: nil, reason: "no 'channel weight' rows")
        }
        return ChannelWeights(weights: weights)
    }
}
