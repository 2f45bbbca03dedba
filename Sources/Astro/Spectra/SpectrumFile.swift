#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes spectrum text files: one channel per line, seven whitespace-separated
/// columns `freq I Q U dI dQ dU` (Hz, Jy/beam), `#` comments. This is the layout RM-Tools'
/// rmsynth1d reads and the original pipeline writes. Writing goes through a temporary file
/// renamed into place, so a reader never sees half a spectrum.
public enum SpectrumFile {
    public static func read(_ path: String) throws -> Spectrum {
        guard let f = fopen(path, "r") else {
            throw SpectrumFileError(path: path, line: nil, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        var cols = [[Double]](repeating: [], count: 7)
        var lineNumber = 0
        var buffer: UnsafeMutablePointer<CChar>? = nil
        var capacity = 0
        defer { free(buffer) }
        while getline(&buffer, &capacity, f) >= 0 {
            lineNumber += 1
            let line = String(cString: buffer!)
            let body = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "," })
            if fields.isEmpty { continue }
            guard fields.count == 7 else {
                throw SpectrumFileError(path: path, line: lineNumber,
                                        message: "expected 7 columns (freq I Q U dI dQ dU), found \(fields.count)")
            }
            for (c, text) in fields.enumerated() {
                guard let v = Double(text) ?? parseSpecial(text) else {
                    throw SpectrumFileError(path: path, line: lineNumber,
                                            message: "column \(c + 1) is not a number: '\(text)'")
                }
                cols[c].append(v)
            }
        }
        if ferror(f) != 0 {
            throw SpectrumFileError(path: path, line: nil, message: "read error: \(String(cString: strerror(errno)))")
        }
        if cols[0].isEmpty { throw SpectrumFileError(path: path, line: nil, message: "no channels") }
        return Spectrum(frequency: cols[0], i: cols[1], q: cols[2], u: cols[3], di: cols[4], dq: cols[5], du: cols[6])
    }

    /// Writes `columns` (equal lengths) one row per line with full double precision.
    public static func write(columns: [[Double]], header: String? = nil, to path: String) throws {
        let n = columns.first?.count ?? 0
        precondition(columns.allSatisfy { $0.count == n }, "spectrum columns differ in length")
        var text = ""
        text.reserveCapacity(n * columns.count * 24)
        if let header { for line in header.split(separator: "\n") { text += "# " + line + "\n" } }
        for r in 0..<n {
            for c in columns.indices {
                if c > 0 { text += " " }
                text += format(columns[c][r])
            }
            text += "\n"
        }
        try AtomicTextFile.write(text, to: path)
    }

    public static func write(_ s: Spectrum, to path: String) throws {
        try write(columns: s.columns, to: path)
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }

    private static func parseSpecial(_ t: Substring) -> Double? {
        switch t.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }
}

public struct SpectrumFileError: Error, CustomStringConvertible {
    public let path: String
    public let line: Int?
    public let message: String
    public var description: String {
        if let line { return "\(path):\(line): \(message)" }
        return "\(path): \(message)"
    }
}
