/// A polarization product, by its FITS STOKES axis value (Greisen & Calabretta 2002, table 7).
public enum StokesParameter: Int, Sendable, Equatable, CaseIterable {
    case i = 1, q = 2, u = 3, v = 4
    case rr = -1, ll = -2, rl = -3, lr = -4
    case xx = -5, yy = -6, xy = -7, yx = -8
}

/// The STOKES axis of a cube: which polarization product each pixel along it holds.
public struct StokesAxis: Sendable, Equatable {
    private let linear: LinearAxis

    /// 1-based FITS axis number.
    public var axis: Int { linear.axis }
    /// NAXISi, when the header has it.
    public var count: Int? { linear.count }

    /// Reads the STOKES axis: nil when the header has none, throws `WCSError` when
    /// it is malformed.
    public init?(header: FITSHeader) throws {
        guard let linear = try LinearAxis.find("STOKES", in: header) else { return nil }
        self.linear = linear
    }

    /// The parameter at 0-based `pixel`, or nil when the axis value there is not a
    /// known code (or the pixel is outside NAXISi).
    public func parameter(at pixel: Int) -> StokesParameter? {
        if let count, !(0..<count).contains(pixel) { return nil }
        let value = linear.world(Double(pixel)).rounded()
        guard abs(value) <= 8 else { return nil }
        return StokesParameter(rawValue: Int(value))
    }

    /// The 0-based pixel holding `parameter`, or nil when the axis does not.
    public func pixel(of parameter: StokesParameter) -> Int? {
        let pixel = linear.pixel(Double(parameter.rawValue))
        let nearest = pixel.rounded()
        guard abs(pixel - nearest) < 1e-6, abs(nearest) < 1e9 else { return nil }
        if let count, !(0..<count).contains(Int(nearest)) { return nil }
        return Int(nearest)
    }

    /// The parameters along the axis, when NAXISi is known.
    public var parameters: [StokesParameter?]? {
        count.map { (0..<$0).map(parameter(at:)) }
    }
}
