import Foundation

/// The contents of a NOAA `WMM.COF` file: a header line (epoch, model name, release date),
/// one line per Gauss coefficient pair `n m g h ġ ḣ` (nT and nT/year), and a closing
/// line of 9s.
///
/// Every (n, m) from (1, 0) to the highest degree must appear exactly once; anything
/// else is refused with the line at fault, so a damaged file never gives a wrong field.
struct WMMCoefficientFile: Sendable {
    var name: String
    var epoch: Double
    var degree: Int
    /// gₙᵐ, hₙᵐ, ġₙᵐ, ḣₙᵐ at `SchmidtLegendre.index(n, m)`.
    var g: [Double]
    var h: [Double]
    var gRate: [Double]
    var hRate: [Double]

    /// The largest degree accepted: WMM is 12, the high-resolution WMMHR 133.
    static let maximumDegree = 200

    init(text: String, source: String) throws {
        func failure(_ line: Int?, _ reason: String) -> WMMCoefficientError {
            WMMCoefficientError(source: source, line: line, reason: reason)
        }
        // isNewline also splits "\r\n", which Swift holds as one Character.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard let headerIndex = lines.firstIndex(where: { !$0.isEmpty }) else {
            throw failure(nil, "no header line (the text is empty)")
        }
        let header = lines[headerIndex].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard header.count >= 2, let epoch = Double(header[0]), epoch.isFinite, epoch > 1000, epoch < 10000 else {
            throw failure(headerIndex + 1, "expected a header 'epoch name date', e.g. '2025.0 WMM-2025 11/13/2024', found '\(lines[headerIndex].prefix(80))'")
        }
        var entries: [Int: (g: Double, h: Double, gRate: Double, hRate: Double)] = [:]
        var degree = 0, closed = false
        for number in (headerIndex + 1)..<lines.count {
            let line = lines[number], lineNumber = number + 1
            if line.isEmpty { continue }
            if line.allSatisfy({ $0 == "9" }) { closed = true; break }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count == 6 else {
                throw failure(lineNumber, "expected 6 fields 'n m g h gdot hdot', found \(fields.count) in '\(line.prefix(80))'")
            }
            guard let n = Int(fields[0]), let m = Int(fields[1]) else {
                throw failure(lineNumber, "degree and order must be integers, found '\(fields[0])' and '\(fields[1])'")
            }
            guard n >= 1, n <= Self.maximumDegree, m >= 0, m <= n else {
                throw failure(lineNumber, "degree \(n) and order \(m) are out of range (1 ≤ n ≤ \(Self.maximumDegree), 0 ≤ m ≤ n)")
            }
            let values = fields[2...].map { Double($0) }
            guard values.allSatisfy({ $0?.isFinite == true }) else {
                throw failure(lineNumber, "coefficients must be finite numbers, found '\(fields[2...].joined(separator: " "))'")
            }
            let key = SchmidtLegendre.index(n, m)
            guard entries[key] == nil else {
                throw failure(lineNumber, "coefficient n=\(n) m=\(m) appears twice")
            }
            entries[key] = (values[0]!, values[1]!, values[2]!, values[3]!)
            degree = max(degree, n)
        }
        guard closed else {
            throw failure(nil, "no closing line of 9s (the text is cut short)")
        }
        guard degree >= 1 else {
            throw failure(nil, "no coefficients")
        }
        let count = SchmidtLegendre.index(degree, degree) + 1
        var g = [Double](repeating: 0, count: count), h = g, gRate = g, hRate = g
        for n in 1...degree {
            for m in 0...n {
                guard let entry = entries[SchmidtLegendre.index(n, m)] else {
                    throw failure(nil, "coefficient n=\(n) m=\(m) is missing (degree \(degree) needs every order)")
                }
                let k = SchmidtLegendre.index(n, m)
                (g[k], h[k], gRate[k], hRate[k]) = entry
            }
        }
        self.name = String(header[1])
        self.epoch = epoch
        self.degree = degree
        self.g = g
        self.h = h
        self.gRate = gRate
        self.hRate = hRate
    }
}
