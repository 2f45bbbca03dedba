/// The frequency axis of a cube: CTYPEi = 'FREQ', linear in channel
/// (Greisen et al. 2006), f = CRVAL + CDELT × (p + 1 - CRPIX) for 0-based channel p, as
/// wcslib reads it (CUNITi Hz, kHz, MHz or GHz are converted; frequencies here are Hz).
public struct SpectralAxis: Sendable, Equatable {
    private let linear: LinearAxis

    /// 1-based FITS axis number.
    public var axis: Int { linear.axis }
    /// NAXISi, when the header has it.
    public var count: Int? { linear.count }
    /// The reference channel (CRPIX - 1), 0-based.
    public var referenceChannel: Double { linear.crpix - 1 }
    /// The frequency of the reference channel, Hz.
    public var referenceFrequency: Double { linear.crval }
    /// The channel increment, Hz (negative when frequency falls along the axis).
    public var channelWidth: Double { linear.step }

    /// Reads the FREQ axis; throws `WCSError.noAxis("FREQ")` when there is none.
    public init(header: FITSHeader) throws {
        guard let linear = try LinearAxis.find("FREQ", in: header) else { throw WCSError.noAxis("FREQ") }
        self.linear = linear
    }

    /// The frequency (Hz) of 0-based channel `channel`.
    public func frequency(channel: Int) -> Double {
        linear.world(Double(channel))
    }

    /// The frequencies (Hz) of channels 0..<count.
    public func frequencies(count: Int) -> [Double] {
        (0..<max(count, 0)).map { frequency(channel: $0) }
    }

    /// The fractional 0-based channel of a frequency (Hz); the inverse of `frequency(channel:)`.
    public func channel(frequency: Double) -> Double {
        linear.pixel(frequency)
    }
}
