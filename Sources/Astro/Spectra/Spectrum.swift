/// A polarisation spectrum: Stokes I, Q, U and their errors per channel, as the pipeline
/// writes it (`<Gaussian_ID>.dat`) and RM synthesis reads it. Frequencies in Hz; flux
/// densities in Jy/beam. NaN marks a flagged or missing value.
public struct Spectrum: Sendable, Equatable {
    public var frequency: [Double]
    public var i: [Double]
    public var q: [Double]
    public var u: [Double]
    public var di: [Double]
    public var dq: [Double]
    public var du: [Double]

    public init(frequency: [Double], i: [Double], q: [Double], u: [Double],
                di: [Double], dq: [Double], du: [Double]) {
        self.frequency = frequency
        self.i = i; self.q = q; self.u = u
        self.di = di; self.dq = dq; self.du = du
    }

    /// Number of channels.
    public var count: Int { frequency.count }

    /// The columns in file order: freq I Q U dI dQ dU.
    public var columns: [[Double]] { [frequency, i, q, u, di, dq, du] }
}
