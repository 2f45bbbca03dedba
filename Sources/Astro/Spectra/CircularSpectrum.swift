import Foundation

/// A component's Stokes V (circular polarisation) spectrum: per channel the
/// background-subtracted V at the component's pixel and its noise, measured exactly as the
/// I, Q and U spectra are (`SpectrumExtractor`). Frequencies in Hz, flux densities in
/// Jy/beam, NaN for a flagged channel.
///
/// It is written beside the component's `<Gaussian_ID>.dat` as `<Gaussian_ID>_v.dat`
/// (`freq V dV`), a file of its own: the 7-column spectrum RM-Tools reads stays as it is.
public struct CircularSpectrum: Sendable, Equatable {
    public var frequency: [Double]
    public var v: [Double]
    public var dv: [Double]

    public init(frequency: [Double], v: [Double], dv: [Double]) {
        self.frequency = frequency
        self.v = v
        self.dv = dv
    }

    /// Number of channels.
    public var count: Int { frequency.count }

    /// The columns in file order: freq V dV.
    public var columns: [[Double]] { [frequency, v, dv] }
}

/// Reads and writes `<Gaussian_ID>_v.dat`: one channel per line, three whitespace-separated
/// columns `freq V dV`, `#` comments, `nan` for a flagged channel.
public enum CircularSpectrumFile {
    public static let columnNames = "freq V dV"

    public static func write(_ s: CircularSpectrum, to path: String) throws {
        try SpectrumFile.write(columns: s.columns, to: path)
    }

    public static func read(_ path: String) throws -> CircularSpectrum {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpectrumFileError(path: path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        var columns: [[Double]] = [[], [], []]
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let body = line.prefix { $0 != "#" }
            let fields = body.split { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }
            if fields.isEmpty { continue }
            guard fields.count == 3 else {
                throw SpectrumFileError(path: path, line: n + 1, message: "expected 3 columns (\(columnNames)), found \(fields.count)")
            }
            for (c, field) in fields.enumerated() {
                guard let value = Double(field) else {
                    throw SpectrumFileError(path: path, line: n + 1, message: "column \(c + 1) is not a number: '\(field)'")
                }
                columns[c].append(value)
            }
        }
        guard !columns[0].isEmpty else { throw SpectrumFileError(path: path, line: nil, message: "no channels") }
        return CircularSpectrum(frequency: columns[0], v: columns[1], dv: columns[2])
    }
}
