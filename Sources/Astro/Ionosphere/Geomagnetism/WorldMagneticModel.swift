import Foundation

/// The World Magnetic Model: the Earth's main field as spherical harmonics (degree 12)
/// with a linear secular variation, valid for five years from its epoch.
///
/// The synthesis follows the NOAA WMM technical report: geodetic → geocentric spherical
/// coordinates, Schmidt semi-normalised associated Legendre functions, the field in
/// spherical components, then rotated back to the geodetic north-east-down frame.
public struct WorldMagneticModel: Sendable {
    /// The model's name from the coefficient file, e.g. "WMM-2025".
    public let name: String
    /// The epoch of the coefficients, decimal year, e.g. 2025.0.
    public let epoch: Double
    /// The end of the nominal validity, epoch + 5.
    public let validUntil: Double

    private let file: WMMCoefficientFile

    /// The geomagnetic reference radius, metres.
    static let referenceRadius = 6_371_200.0

    /// A model from the text of a NOAA `WMM.COF` file; errors name `source` and the line.
    public init(coefficients text: String, source: String) throws {
        file = try WMMCoefficientFile(text: text, source: source)
        name = file.name
        epoch = file.epoch
        validUntil = file.epoch + 5
    }

    /// WMM-2020 (epoch 2020.0, valid to 2025.0).
    public static let wmm2020 = builtIn(WMM2020Coefficients.text, source: "built-in WMM-2020")
    /// WMM-2025 (epoch 2025.0, valid to 2030.0).
    public static let wmm2025 = builtIn(WMM2025Coefficients.text, source: "built-in WMM-2025")

    private static func builtIn(_ text: String, source: String) -> WorldMagneticModel {
        do {
            return try WorldMagneticModel(coefficients: text, source: source)
        } catch {
            fatalError("\(error)")  // the embedded text is fixed and tested
        }
    }

    /// The model for a date: WMM-2025 from 2025.0 on, WMM-2020 before (also before 2020.0,
    /// extrapolating its secular variation back, as RMextract does).
    public static func model(for decimalYear: Double) -> WorldMagneticModel {
        decimalYear >= 2025 ? wmm2025 : wmm2020
    }

    /// The main field at a geodetic position (height in metres) on a date (decimal year),
    /// nT in the geodetic north-east-down frame. Outside the validity interval the secular
    /// variation is extrapolated linearly. Non-finite input gives NaN components.
    public func field(at position: GeodeticPosition, decimalYear: Double) -> MagneticField {
        let dt = decimalYear - epoch
        let point = position.itrf
        let r = point.norm
        let horizontal = hypot(point.x, point.y)
        // Geocentric latitude φ′ (sin, cos) and the field's longitude.
        let sinLat = point.z / r, cosLat = horizontal / r
        let lambda = position.longitude * .pi / 180
        let degree = file.degree
        let legendre = SchmidtLegendre(degree: degree, sine: sinLat, cosine: cosLat)

        var cosM = [Double](repeating: 1, count: degree + 1), sinM = [Double](repeating: 0, count: degree + 1)
        for m in 1...degree {
            cosM[m] = cos(Double(m) * lambda)
            sinM[m] = sin(Double(m) * lambda)
        }
        let ratio = Self.referenceRadius / r
        var radialPower = ratio * ratio  // (a/r)^(n+2), starting at n = 0
        var north = 0.0, east = 0.0, down = 0.0
        for n in 1...degree {
            radialPower *= ratio
            var sumNorth = 0.0, sumEast = 0.0, sumDown = 0.0
            for m in 0...n {
                let k = SchmidtLegendre.index(n, m)
                let g = file.g[k] + dt * file.gRate[k], h = file.h[k] + dt * file.hRate[k]
                let inPhase = g * cosM[m] + h * sinM[m]
                sumNorth += inPhase * legendre.derivative[k]
                sumDown += inPhase * legendre.value[k]
                if m > 0 {
                    sumEast += Double(m) * (g * sinM[m] - h * cosM[m]) * legendre.valueOverCosine[k]
                }
            }
            north -= radialPower * sumNorth
            east += radialPower * sumEast
            down -= Double(n + 1) * radialPower * sumDown
        }
        // Rotate from the geocentric to the geodetic vertical by ψ = φ′ − φ.
        let psi = atan2(point.z, horizontal) - position.latitude * .pi / 180
        return MagneticField(north: north * cos(psi) - down * sin(psi),
                             east: east,
                             down: north * sin(psi) + down * cos(psi))
    }
}
