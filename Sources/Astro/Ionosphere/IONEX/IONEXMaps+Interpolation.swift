import Foundation

extension IONEXMaps {
    /// How TEC between two map epochs is found.
    public enum TimeInterpolation: String, Sendable {
        /// Each of the two maps around t read at the same longitude, then linear in time
        /// (RMextract's default, `apply_earth_rotation=0`).
        case linear
        /// IONEX 1.1's recommended method: the maps rotate with the Sun, so map i (epoch T_i) is
        /// read at longitude + (t - T_i) * 360 deg / 86400 s, then linear in time.
        case rotated
    }

    /// Vertical TEC (TECU) at a geographic latitude and longitude (degrees; any longitude, it is
    /// taken modulo 360) at the UTC time `mjdSeconds`.
    ///
    /// Bilinear in latitude and longitude within each map (the longitudes wrap when the grid
    /// goes round the globe), linear in time between the two maps whose epochs bracket t.
    /// Latitudes between a global grid's edge row and its pole (87.5 to 90 deg for CODE and IGS
    /// maps) take the edge row's values. Throws an IONEXError naming the file when t is outside
    /// `span`, the point is outside a regional grid, or a value the interpolation needs is
    /// missing (9999 in the file).
    public func verticalTEC(latitude: Double, longitude: Double, mjdSeconds: Double,
                            interpolation: TimeInterpolation) throws -> Double {
        guard latitude.isFinite, longitude.isFinite, mjdSeconds.isFinite else {
            throw IONEXError(file: path, message: "vertical TEC asked at latitude \(latitude), longitude \(longitude), "
                + "MJD seconds \(mjdSeconds): not finite")
        }
        guard abs(latitude) <= 90 else {
            throw IONEXError(file: path, message: "latitude \(latitude) is beyond +/-90 degrees")
        }
        guard span.contains(mjdSeconds) else {
            throw IONEXError(file: path, message: "time \(UTCDay.timestamp(mjdSeconds: mjdSeconds)) is outside the maps' span "
                + "\(UTCDay.timestamp(mjdSeconds: epochs[0])) to \(UTCDay.timestamp(mjdSeconds: epochs[epochs.count - 1]))")
        }
        // The first epoch at or after t.
        var low = 0, high = epochs.count - 1
        while low < high {
            let middle = (low + high) / 2
            if epochs[middle] < mjdSeconds { low = middle + 1 } else { high = middle }
        }
        let after = low
        if epochs[after] == mjdSeconds {
            return try spatial(map: after, latitude: latitude, longitude: longitude)
        }
        let before = after - 1
        let weight = (mjdSeconds - epochs[before]) / (epochs[after] - epochs[before])
        var longitudeBefore = longitude, longitudeAfter = longitude
        if interpolation == .rotated {
            longitudeBefore += (mjdSeconds - epochs[before]) * 360 / 86_400
            longitudeAfter += (mjdSeconds - epochs[after]) * 360 / 86_400
        }
        let valueBefore = try spatial(map: before, latitude: latitude, longitude: longitudeBefore)
        let valueAfter = try spatial(map: after, latitude: latitude, longitude: longitudeAfter)
        return (1 - weight) * valueBefore + weight * valueAfter
    }

    /// Bilinear TEC of one map at a point.
    func spatial(map: Int, latitude: Double, longitude: Double) throws(IONEXError) -> Double {
        let rows = latitudes.count, columns = longitudes.count
        // Latitude: fractional row index, clamped to the edge row only between a global grid's
        // edge and its pole.
        var v = (latitude - latitudeFirst) / latitudeStep
        let lastRow = Double(rows - 1)
        if v < 0 {
            guard v > -1e-9 || (firstRowReachesPole && latitude * latitudes[0] > 0) else {
                throw outside("latitude \(latitude)", grid: "\(latitudes[0]) ... \(latitudes[rows - 1])")
            }
            v = 0
        } else if v > lastRow {
            guard v < lastRow + 1e-9 || (lastRowReachesPole && latitude * latitudes[rows - 1] > 0) else {
                throw outside("latitude \(latitude)", grid: "\(latitudes[0]) ... \(latitudes[rows - 1])")
            }
            v = lastRow
        }
        let row0 = min(Int(v), rows - 2)
        let fy = v - Double(row0)

        // Longitude: fractional column index.
        let column0: Int, column1: Int, fx: Double
        if let period = longitudePeriod {
            let p = Double(period)
            var u = ((longitude - longitudeFirst) / longitudeStep).truncatingRemainder(dividingBy: p)
            if u < 0 { u += p }
            if u >= p { u -= p }
            var c0 = Int(u)
            let f = u - Double(c0)
            if c0 >= period { c0 -= period }
            var c1 = c0 + 1
            if c1 >= columns { c1 -= period }
            (column0, column1, fx) = (c0, c1, f)
        } else {
            // A regional grid: the longitude taken modulo 360 into the grid's range, if it fits.
            let west = min(longitudes[0], longitudes[columns - 1])
            let east = max(longitudes[0], longitudes[columns - 1])
            var shifted = (longitude - west).truncatingRemainder(dividingBy: 360)
            if shifted < 0 { shifted += 360 }
            var candidate = west + shifted
            if candidate > east + 1e-9 && candidate - 360 >= west - 1e-9 { candidate -= 360 }
            guard candidate <= east + 1e-9 else {
                throw outside("longitude \(longitude)", grid: "\(longitudes[0]) ... \(longitudes[columns - 1])")
            }
            let u = min(max((candidate - longitudeFirst) / longitudeStep, 0), Double(columns - 1))
            let c0 = min(Int(u), columns - 2)
            (column0, column1, fx) = (c0, c0 + 1, u - Double(c0))
        }

        let values = tec[map]
        let corners = [(row0, column0, (1 - fy) * (1 - fx)), (row0, column1, (1 - fy) * fx),
                       (row0 + 1, column0, fy * (1 - fx)), (row0 + 1, column1, fy * fx)]
        var total = 0.0
        for (row, column, weight) in corners where weight != 0 {
            let value = Double(values[row * columns + column])
            guard !value.isNaN else {
                throw IONEXError(file: path, message: "no TEC value (9999) in the map of "
                    + "\(UTCDay.timestamp(mjdSeconds: epochs[map])) at latitude \(latitudes[row]), longitude "
                    + "\(longitudes[column]), needed at latitude \(latitude), longitude \(longitude)")
            }
            total += weight * value
        }
        return total
    }

    private func outside(_ what: String, grid: String) -> IONEXError {
        IONEXError(file: path, message: "\(what) is outside the maps' grid (\(grid))")
    }
}
