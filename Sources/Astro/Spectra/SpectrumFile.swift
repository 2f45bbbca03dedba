#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes spectrum text files: one channel per line, seven whitespace-separated
/// columns `freq I Q U dI dQ dU` (Hz, Jy/beam), `#` comments. This is the layout RM-Tools'
/// rmsynth1d reads and the original pipeline writes; ``read(_:layouts:)`` also reads the
/// other layout rmsynth1d accepts (``SpectrumLayout``). Writing goes through a temporary file
/// renamed into place, so a reader never sees half a spectrum.
public enum SpectrumFile {
    /// Reads a 7-column file (the pipeline's layout).
    public static func read(_ path: String) throws -> Spectrum {
        try read(path, layouts: [.stokesIQU]).spectrum
    }

    /// Reads a file in any of `layouts`: the first channel line's column count says which,
    /// and every other channel line must have as many.
    public static func read(_ path: String, layouts: [SpectrumLayout]) throws -> (spectrum: Spectrum, layout: SpectrumLayout) {
        precondition(!layouts.isEmpty, "no spectrum layout to read")
        guard let f = fopen(path, "r") else {
            throw SpectrumFileError(path: path, line: nil, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { fclose(f) }
        // Read the whole file, then parse bytes in place (a spectrum is small; this avoids a
        // String per line and per field, which dominated batch RM synthesis).
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if got > 0 { bytes.append(contentsOf: chunk[0..<got]) }
            if got < chunk.count { break }
        }
        if ferror(f) != 0 {
            throw SpectrumFileError(path: path, line: nil, message: "read error: \(String(cString: strerror(errno)))")
        }
        bytes.append(0)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try parse(buffer, path: path, layouts: layouts)
        }
    }

    /// Parses NUL-terminated text `b` (modified in place: field ends are set to NUL).
    private static func parse(_ b: UnsafeMutableBufferPointer<UInt8>, path: String,
                              layouts: [SpectrumLayout]) throws -> (spectrum: Spectrum, layout: SpectrumLayout) {
        let widest = layouts.map(\.columnCount).max()!
        var layout: SpectrumLayout? = nil
        var firstLine = 0
        var cols = [[Double]](repeating: [], count: widest)
        let end = b.count - 1
        var i = 0
        var lineNumber = 0
        var starts = [Int](repeating: 0, count: widest + 1)
        var fieldEnds = [Int](repeating: 0, count: widest + 1)
        func isSeparator(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x2C || c == 0x0D || c == 0x0B || c == 0x0C }
        while i < end {
            lineNumber += 1
            var lineEnd = i
            while lineEnd < end && b[lineEnd] != 0x0A { lineEnd += 1 }
            var bodyEnd = i
            while bodyEnd < lineEnd && b[bodyEnd] != 0x23 { bodyEnd += 1 }   // '#'
            // Split the body into fields.
            var count = 0
            var j = i
            while j < bodyEnd {
                while j < bodyEnd && isSeparator(b[j]) { j += 1 }
                if j >= bodyEnd { break }
                let start = j
                while j < bodyEnd && !isSeparator(b[j]) { j += 1 }
                if count <= widest { starts[count] = start; fieldEnds[count] = j }
                count += 1
            }
            if count > 0 {
                if layout == nil {
                    guard let found = SpectrumLayout.matching(count, in: layouts) else {
                        throw SpectrumFileError(path: path, line: lineNumber,
                                                message: SpectrumLayout.refusal(count: count, layouts: layouts))
                    }
                    layout = found
                    firstLine = lineNumber
                }
                let width = layout!.columnCount
                guard count == width else {
                    let message = layouts.count == 1
                        ? "expected \(width) columns (\(layout!.columnNames)), found \(count)"
                        : "expected \(width) columns (\(layout!.columnNames)) as on line \(firstLine), found \(count)"
                    throw SpectrumFileError(path: path, line: lineNumber, message: message)
                }
                for c in 0..<width {
                    let saved = b[fieldEnds[c]]
                    b[fieldEnds[c]] = 0
                    let value = b.baseAddress!.advanced(by: starts[c]).withMemoryRebound(to: CChar.self, capacity: fieldEnds[c] - starts[c] + 1) {
                        p -> Double? in
                        var stop: UnsafeMutablePointer<CChar>? = nil
                        let v = strtod(p, &stop)
                        guard let stop, stop == p.advanced(by: fieldEnds[c] - starts[c]) else { return nil }
                        return v
                    }
                    b[fieldEnds[c]] = saved
                    guard let value else {
                        let text = String(decoding: UnsafeBufferPointer(rebasing: b[starts[c]..<fieldEnds[c]]), as: UTF8.self)
                        throw SpectrumFileError(path: path, line: lineNumber, message: "column \(c + 1) is not a number: '\(text)'")
                    }
                    cols[c].append(value)
                }
            }
            i = lineEnd + 1
        }
        guard let layout, !cols[0].isEmpty else { throw SpectrumFileError(path: path, line: nil, message: "no channels") }
        return (layout.spectrum(cols), layout)
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
