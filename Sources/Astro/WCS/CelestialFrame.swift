/// The celestial coordinate system named by a CTYPE pair.
public enum CelestialFrame: String, Sendable, Equatable, CaseIterable {
    /// RA/DEC.
    case equatorial
    /// GLON/GLAT.
    case galactic
    /// ELON/ELAT.
    case ecliptic
    /// SLON/SLAT.
    case supergalactic

    /// CTYPE coordinate names of (longitude, latitude).
    var names: (longitude: String, latitude: String) {
        switch self {
        case .equatorial: return ("RA", "DEC")
        case .galactic: return ("GLON", "GLAT")
        case .ecliptic: return ("ELON", "ELAT")
        case .supergalactic: return ("SLON", "SLAT")
        }
    }

    /// The frame and side (true for longitude) of a CTYPE coordinate name.
    static func classify(_ coordinate: String) -> (frame: CelestialFrame, isLongitude: Bool)? {
        for frame in allCases {
            if frame.names.longitude == coordinate { return (frame, true) }
            if frame.names.latitude == coordinate { return (frame, false) }
        }
        return nil
    }
}
