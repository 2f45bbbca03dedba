/// The column layouts of a spectrum text file, as RM-Tools 1.5.0's `rmsynth1d` tells them
/// apart: by the number of columns alone.
///
/// - ``stokesIQU``: `freq I Q U dI dQ dU`, what the pipeline writes and reads.
/// - ``stokesQU``: `freq Q U dQ dU`, no Stokes I. rmsynth1d then takes I = 1 with dI = 0 in
///   every channel, so Q and U are used as they are (already fractional, or in flux units:
///   the FDF comes out in the same units) and the noise is dQ and dU alone. That is exactly
///   what its "ignore Stokes I" flag (`-i`) does to a 7-column file
///   (``Spectrum/withStokesIIgnored()``).
///
/// rmsynth1d reads no other layout: a 3-column `freq Q U` file (no errors) or a 6-column
/// one makes it stop without output. ``SpectrumFile`` refuses them with an error that says so.
public enum SpectrumLayout: Sendable, Equatable, CaseIterable {
    case stokesIQU
    case stokesQU

    /// The layouts `rmsynth1d` reads, in the order it tries them.
    public static let rmsynth1d: [SpectrumLayout] = [.stokesIQU, .stokesQU]

    /// Columns per channel line.
    public var columnCount: Int {
        switch self {
        case .stokesIQU: return 7
        case .stokesQU: return 5
        }
    }

    /// The column names, space-separated.
    public var columnNames: String {
        switch self {
        case .stokesIQU: return "freq I Q U dI dQ dU"
        case .stokesQU: return "freq Q U dQ dU"
        }
    }

    /// Whether the file has a Stokes I column.
    public var hasStokesI: Bool { self == .stokesIQU }

    /// The layout of a line with `count` columns, if it is one of `layouts`.
    static func matching(_ count: Int, in layouts: [SpectrumLayout]) -> SpectrumLayout? {
        layouts.first { $0.columnCount == count }
    }

    /// Why a first channel line with `count` columns is none of `layouts`.
    static func refusal(count: Int, layouts: [SpectrumLayout]) -> String {
        let expected = layouts.enumerated().map { k, l in
            (k == 0 ? "\(l.columnCount) columns" : "\(l.columnCount)") + " (\(l.columnNames))"
        }.joined(separator: " or ")
        var message = "expected \(expected), found \(count)"
        if count == 3 && layouts.contains(.stokesQU) {
            message += ": RM-Tools' rmsynth1d does not read a file without dQ and dU either;"
                + " add them (freq Q U dQ dU): the same value in every channel weights the channels equally,"
                + " and the noise figures scale with it"
        }
        return message
    }

    /// Builds the spectrum from the parsed columns (one array per column, in file order).
    func spectrum(_ columns: [[Double]]) -> Spectrum {
        switch self {
        case .stokesIQU:
            return Spectrum(frequency: columns[0], i: columns[1], q: columns[2], u: columns[3],
                            di: columns[4], dq: columns[5], du: columns[6])
        case .stokesQU:
            return Spectrum(frequency: columns[0], q: columns[1], u: columns[2], dq: columns[3], du: columns[4])
        }
    }
}

extension Spectrum {
    /// A spectrum without Stokes I, as rmsynth1d builds it: I = 1 and dI = 0 in every channel.
    public init(frequency: [Double], q: [Double], u: [Double], dq: [Double], du: [Double]) {
        self.init(frequency: frequency, i: [Double](repeating: 1, count: frequency.count), q: q, u: u,
                  di: [Double](repeating: 0, count: frequency.count), dq: dq, du: du)
    }

    /// This spectrum with its Stokes I set aside, as rmsynth1d's `-i` flag does: I = 1 and
    /// dI = 0 in every channel, so the Stokes I fit finds the constant 1, q = Q and u = U, and
    /// the weights and noise come from dQ and dU alone.
    public func withStokesIIgnored() -> Spectrum {
        Spectrum(frequency: frequency, q: q, u: u, dq: dq, du: du)
    }
}
