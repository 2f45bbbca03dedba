/// One linear, separable world axis of a cube (FREQ, STOKES), as wcslib set it up (units
/// converted to SI, legacy forms fixed): world = CRVAL + step × (p + 1 - CRPIX) for 0-based
/// pixel p.
struct LinearAxis: Sendable, Equatable {
    /// 1-based FITS axis number.
    let axis: Int
    let crval: Double
    let crpix: Double
    /// The diagonal element of CDELT × PC (or CD) for the axis.
    let step: Double
    /// NAXISi, when the header has it.
    let count: Int?

    /// The axis `index` (0-based) of `transform`; refused when the linear matrix couples it
    /// with another axis.
    init(_ transform: WCSLibTransform, index: Int, count: Int?) throws {
        let n = transform.naxis
        let m = transform.linearMatrix
        for k in 0..<n where k != index && (m[index * n + k] != 0 || m[k * n + index] != 0) {
            throw WCSError.invalid(keyword: "PC\(index + 1)_\(k + 1)", value: String(m[index * n + k] != 0 ? m[index * n + k] : m[k * n + index]),
                                   reason: "couples axis \(index + 1) with axis \(k + 1), which is not supported for a \(transform.ctype[index]) axis")
        }
        axis = index + 1
        crval = transform.crval[index]
        crpix = transform.crpix[index]
        step = m[index * n + index]
        guard step != 0, step.isFinite else {
            throw WCSError.invalid(keyword: "CDELT\(index + 1)", value: String(step), reason: "an axis needs a nonzero increment")
        }
        self.count = count
    }

    /// The first axis of `header` whose CTYPE is `ctype` (or starts with `ctype-`), or nil.
    static func find(_ ctype: String, in header: FITSHeader) throws -> LinearAxis? {
        guard let type = AxisType.all(in: header).first(where: { $0.ctype == ctype || $0.ctype.hasPrefix(ctype + "-") }) else {
            return nil
        }
        let naxis = (1...max(1, header.int("NAXIS") ?? 0)).map { header.int("NAXIS\($0)") ?? 0 }
        let transform = try WCSLibTransform(cardImages: header.cardImages, naxis: naxis)
        guard type.axis <= transform.naxis else { throw WCSError.noAxis(ctype) }
        return try LinearAxis(transform, index: type.axis - 1, count: header.int("NAXIS\(type.axis)"))
    }

    @inline(__always)
    func world(_ pixel: Double) -> Double { crval + step * (pixel + 1 - crpix) }

    @inline(__always)
    func pixel(_ world: Double) -> Double { (world - crval) / step + crpix - 1 }
}
