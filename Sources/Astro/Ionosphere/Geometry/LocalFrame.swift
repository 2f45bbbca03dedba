import Foundation

/// The local geodetic east-north-up axes at a place, as ITRF unit vectors.
///
/// Azimuth and elevation, the magnetic field's north/east/down components and the
/// zenith angle at a pierce point are all measured in this frame.
struct LocalFrame: Sendable, Equatable {
    var east: ITRFVector
    var north: ITRFVector
    var up: ITRFVector

    init(at position: GeodeticPosition) {
        let phi = position.latitude * .pi / 180, lambda = position.longitude * .pi / 180
        let sinPhi = sin(phi), cosPhi = cos(phi), sinLambda = sin(lambda), cosLambda = cos(lambda)
        east = ITRFVector(x: -sinLambda, y: cosLambda, z: 0)
        north = ITRFVector(x: -sinPhi * cosLambda, y: -sinPhi * sinLambda, z: cosPhi)
        up = ITRFVector(x: cosPhi * cosLambda, y: cosPhi * sinLambda, z: sinPhi)
    }

    /// The ITRF vector with these east, north and up components.
    func vector(east e: Double, north n: Double, up u: Double) -> ITRFVector {
        e * east + n * north + u * up
    }
}
