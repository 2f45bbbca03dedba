/// Header parsing for `CelestialWCS`: locating the axes, the projection and LONPOLE.
extension CelestialWCS {
    static func celestialAxes(in header: FITSHeader) throws
        -> (lon: AxisType, lat: AxisType, frame: CelestialFrame, projection: Projection)
    {
        var lon: AxisType?, lat: AxisType?
        var frame: CelestialFrame?
        for type in AxisType.all(in: header) {
            guard let (kind, isLongitude) = CelestialFrame.classify(type.coordinate) else { continue }
            guard let code = type.code else {
                throw WCSError.invalid(keyword: type.keyword, value: "'\(type.ctype)'",
                                       reason: "a celestial axis needs a projection code, as in 'RA---SIN'")
            }
            if let suffix = type.suffix {
                throw WCSError.invalid(keyword: type.keyword, value: "'\(type.ctype)'",
                                       reason: "distortion \(suffix) is not supported")
            }
            if !Projection.supportedCodes.contains(code) {
                throw WCSError.unsupportedProjection(keyword: type.keyword, ctype: type.ctype, code: code)
            }
            if let frame, frame != kind {
                throw WCSError.inconsistent("\(type.keyword) '\(type.ctype)' does not pair with a \(frame.names.longitude)/\(frame.names.latitude) axis")
            }
            if let other = isLongitude ? lon : lat {
                throw WCSError.inconsistent("\(other.keyword) '\(other.ctype)' and \(type.keyword) '\(type.ctype)' are both celestial \(isLongitude ? "longitude" : "latitude") axes")
            }
            if isLongitude { lon = type } else { lat = type }
            frame = kind
        }
        guard let frame else { throw WCSError.noCelestialAxes }
        guard let lon, let lat else {
            let single = (lon ?? lat)!
            let missing = lon == nil ? frame.names.longitude : frame.names.latitude
            throw WCSError.inconsistent("\(single.keyword) '\(single.ctype)' has no matching \(missing) axis")
        }
        guard lon.code == lat.code else {
            throw WCSError.inconsistent("\(lon.keyword) '\(lon.ctype)' and \(lat.keyword) '\(lat.ctype)' name different projections")
        }
        return (lon, lat, frame, try projection(code: lon.code!, header: header, lonAxis: lon.axis, latAxis: lat.axis))
    }

    /// The projection with its PV<lat>_m parameters. PV<lon>_1 and PV<lon>_2 (the
    /// fiducial point) must keep their defaults, 0 and 90.
    static func projection(code: String, header: FITSHeader, lonAxis: Int, latAxis: Int) throws -> Projection {
        for card in try header.indexedCards("PV") where card.i == lonAxis {
            let expected: Double? = card.j == 1 ? 0 : card.j == 2 ? 90 : nil
            if let expected, card.value != expected {
                throw WCSError.invalid(keyword: "PV\(card.i)_\(card.j)", value: String(card.value),
                                       reason: "moving the fiducial point of a zenithal projection is not supported")
            }
        }
        var xi = 0.0, eta = 0.0
        for card in try header.indexedCards("PV") where card.i == latAxis && card.value != 0 {
            switch (code, card.j) {
            case ("SIN", 1): xi = card.value
            case ("SIN", 2): eta = card.value
            default:
                throw WCSError.invalid(keyword: "PV\(card.i)_\(card.j)", value: String(card.value),
                                       reason: "\(code) has no such projection parameter")
            }
        }
        return code == "TAN" ? .tan : .sin(xi: xi, eta: eta)
    }

    /// LONPOLE (or PV<lon>_3): by default 0° when the reference point is the north
    /// pole and 180° otherwise (paper eq. 8 with θ0 = 90°).
    static func lonpole(header: FITSHeader, lonAxis: Int, crvalLat: Double) throws -> Double {
        let keyword = try header.optionalDouble("LONPOLE")
        let pv = try header.optionalDouble("PV\(lonAxis)_3")
        if let keyword, let pv, keyword != pv {
            throw WCSError.inconsistent("LONPOLE \(keyword) and PV\(lonAxis)_3 \(pv) disagree")
        }
        return keyword ?? pv ?? (crvalLat >= 90 ? 0 : 180)
    }
}
