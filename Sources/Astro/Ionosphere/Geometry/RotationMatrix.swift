import Foundation

/// A 3×3 rotation between celestial frames (ICRS, mean and true equator of date, the
/// terrestrial frame), acting on column vectors.
///
/// `aboutX`, `aboutY` and `aboutZ` rotate the *frame* by a positive angle (the R1, R2, R3
/// of the IAU/IERS conventions), so a fixed direction's coordinates turn the other way.
struct RotationMatrix: Sendable, Equatable {
    var row0: SIMD3<Double>
    var row1: SIMD3<Double>
    var row2: SIMD3<Double>

    static let identity = RotationMatrix(row0: [1, 0, 0], row1: [0, 1, 0], row2: [0, 0, 1])

    static func aboutX(_ angle: Double) -> RotationMatrix {
        let c = cos(angle), s = sin(angle)
        return RotationMatrix(row0: [1, 0, 0], row1: [0, c, s], row2: [0, -s, c])
    }

    static func aboutY(_ angle: Double) -> RotationMatrix {
        let c = cos(angle), s = sin(angle)
        return RotationMatrix(row0: [c, 0, -s], row1: [0, 1, 0], row2: [s, 0, c])
    }

    static func aboutZ(_ angle: Double) -> RotationMatrix {
        let c = cos(angle), s = sin(angle)
        return RotationMatrix(row0: [c, s, 0], row1: [-s, c, 0], row2: [0, 0, 1])
    }

    /// The rotation that applies `rhs` first, then `lhs`.
    static func * (lhs: RotationMatrix, rhs: RotationMatrix) -> RotationMatrix {
        let columns = (SIMD3(rhs.row0.x, rhs.row1.x, rhs.row2.x),
                       SIMD3(rhs.row0.y, rhs.row1.y, rhs.row2.y),
                       SIMD3(rhs.row0.z, rhs.row1.z, rhs.row2.z))
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> {
            SIMD3((r * columns.0).sum(), (r * columns.1).sum(), (r * columns.2).sum())
        }
        return RotationMatrix(row0: row(lhs.row0), row1: row(lhs.row1), row2: row(lhs.row2))
    }

    static func * (matrix: RotationMatrix, vector: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((matrix.row0 * vector).sum(), (matrix.row1 * vector).sum(), (matrix.row2 * vector).sum())
    }
}
