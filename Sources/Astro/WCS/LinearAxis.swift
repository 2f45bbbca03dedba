/// One linear, separable world axis of a cube (FREQ, STOKES):
/// world = CRVAL + step × (p + 1 - CRPIX) for 0-based pixel p.
struct LinearAxis: Sendable, Equatable {
    /// 1-based FITS axis number.
    let axis: Int
    let crval: Double
    let crpix: Double
    /// CDi_i when the header uses CD and gives it, otherwise CDELTi × PCi_i.
    let step: Double
    /// NAXISi, when the header has it.
    let count: Int?

    init(header: FITSHeader, axis: Int) throws {
        let linear = try LinearPart(header: header)
        try linear.requireSeparable(row: axis, from: [axis])
        self.axis = axis
        crval = try header.requiredDouble("CRVAL\(axis)")
        crpix = try header.requiredDouble("CRPIX\(axis)")
        if let cd = linear.cdElement(axis, axis) {
            step = cd
        } else {
            let cdelt = try header.optionalDouble("CDELT\(axis)") ?? 1
            step = linear.usesCD ? cdelt : try linear.element(axis, axis)
        }
        guard step != 0 else {
            throw WCSError.invalid(keyword: "CDELT\(axis)", value: "0", reason: "an axis needs a nonzero increment")
        }
        count = header.int("NAXIS\(axis)")
    }

    /// The first axis whose CTYPE is `ctype`, or nil.
    static func find(_ ctype: String, in header: FITSHeader) throws -> LinearAxis? {
        guard let type = AxisType.all(in: header).first(where: { $0.ctype == ctype }) else { return nil }
        return try LinearAxis(header: header, axis: type.axis)
    }

    @inline(__always)
    func world(_ pixel: Double) -> Double { crval + step * (pixel + 1 - crpix) }

    @inline(__always)
    func pixel(_ world: Double) -> Double { (world - crval) / step + crpix - 1 }
}
