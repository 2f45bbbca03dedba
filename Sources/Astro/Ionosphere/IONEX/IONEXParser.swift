import Foundation

/// Reads IONEX text (bytes, any line ending) into `IONEXMaps`, refusing anything it cannot read
/// exactly with an `IONEXError` naming the file and line.
///
/// The format (IONEX 1.0, Schaer, Gurtner and Feltens 1998; 1.1, 2015): records of up to 80
/// columns whose label sits in columns 61-80. The header runs to END OF HEADER; then come TEC
/// maps (START OF TEC MAP, EPOCH OF CURRENT MAP, and for each latitude a LAT/LON1/LON2/DLON/H
/// record followed by the row's values, 16 per line in I5 fields, 9999 for "no value"; END OF
/// TEC MAP), RMS maps and height maps (skipped here), and END OF FILE. An EXPONENT record inside
/// a map sets the unit of the rest of that map only; each map starts again from the header's
/// EXPONENT (-1, i.e. 0.1 TECU, when the header has none). Scoping it to the map keeps an
/// exponent given for an RMS map from changing the TEC maps that follow.
struct IONEXParser {
    let path: String

    /// One line: byte offsets [start, end) without the line break (and without a trailing CR).
    private struct Line {
        var start: Int
        var end: Int
        var number: Int
    }

    private enum Label: String, CaseIterable {
        case versionType = "IONEX VERSION / TYPE"
        case firstEpoch = "EPOCH OF FIRST MAP"
        case mapCount = "# OF MAPS IN FILE"
        case mapDimension = "MAP DIMENSION"
        case heights = "HGT1 / HGT2 / DHGT"
        case latitudes = "LAT1 / LAT2 / DLAT"
        case longitudes = "LON1 / LON2 / DLON"
        case exponent = "EXPONENT"
        case startAux = "START OF AUX DATA"
        case endAux = "END OF AUX DATA"
        case endHeader = "END OF HEADER"
        case startTEC = "START OF TEC MAP"
        case endTEC = "END OF TEC MAP"
        case startRMS = "START OF RMS MAP"
        case endRMS = "END OF RMS MAP"
        case startHeight = "START OF HEIGHT MAP"
        case endHeight = "END OF HEIGHT MAP"
        case currentEpoch = "EPOCH OF CURRENT MAP"
        case row = "LAT/LON1/LON2/DLON/H"
        case endFile = "END OF FILE"
        /// Any other label (COMMENT, DESCRIPTION, ...).
        case other = ""

        /// Each label's bytes, to match records without making strings.
        static let table: [(label: Label, bytes: [UInt8])] = allCases.filter { $0 != .other }.map { ($0, Array($0.rawValue.utf8)) }
    }

    /// The grid and units from the header.
    private struct Header {
        var firstEpoch: (value: Double, line: Int)?
        var mapCount: Int?
        var heights: [Double]?
        var latitudes: (values: [Double], line: Int)?
        var longitudes: (values: [Double], line: Int)?
        var exponent = -1
        var endLine = 0
    }

    func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(IONEXError) -> IONEXMaps {
        var cursor = Cursor(bytes: bytes)
        let header = try readHeader(&cursor)
        return try readMaps(&cursor, header: header)
    }

    // MARK: - Lines

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var lineNumber = 0

        mutating func next() -> Line? {
            guard position < bytes.count else { return nil }
            let base = bytes.baseAddress!
            let start = position
            var end: Int
            if let found = memchr(base + start, 0x0A, bytes.count - start) {
                end = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                position = end + 1
            } else {
                end = bytes.count
                position = end
            }
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            lineNumber += 1
            return Line(start: start, end: end, number: lineNumber)
        }
    }

    private func error(_ line: Int?, _ message: String) -> IONEXError {
        IONEXError(file: path, line: line, message: message)
    }

    /// The line's text (lossy for bytes that are not UTF-8), for numbers and messages.
    private func text(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line, columns: Range<Int>? = nil) -> String {
        var start = line.start, end = line.end
        if let columns {
            start = min(line.start + columns.lowerBound, line.end)
            end = min(line.start + columns.upperBound, line.end)
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Where the label in columns 61-80 is (trimmed), or nil when the line is shorter or those
    /// columns hold no letter (a line of values).
    private func labelRange(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line) -> Range<Int>? {
        guard line.end - line.start > 60 else { return nil }
        var start = line.start + 60
        var end = line.end
        while start < end && bytes[start] == 0x20 { start += 1 }
        while end > start && bytes[end - 1] == 0x20 { end -= 1 }
        for index in start..<end where isLetter(bytes[index]) || bytes[index] == UInt8(ascii: "#") {
            return start..<end
        }
        return nil
    }

    /// The record's label, `.other` for labels this reader does not use, nil for a line of values.
    private func label(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line) -> Label? {
        guard let range = labelRange(bytes, line) else { return nil }
        let start = bytes.baseAddress! + range.lowerBound
        for entry in Label.table where entry.bytes.count == range.count {
            if entry.bytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, start, range.count) == 0 }) {
                return entry.label
            }
        }
        return .other
    }

    /// The label's text, for messages.
    private func labelText(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line) -> String {
        guard let range = labelRange(bytes, line) else { return "" }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private func isLetter(_ byte: UInt8) -> Bool {
        (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
    }

    /// The first `count` numbers in columns 1-60: split at blanks and before a sign that follows
    /// a digit or point ("  87.5-180.0 180.0" is 87.5, -180.0, 180.0: F6.1 fields may touch).
    private func numbers(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line, what: String,
                         count: Int) throws(IONEXError) -> [Double] {
        let end = min(line.end, line.start + 60)
        var values: [Double] = []
        values.reserveCapacity(count)
        var index = line.start
        while values.count < count {
            while index < end && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
            guard index < end else {
                throw error(line.number, "\(what) needs \(count) number\(count == 1 ? "" : "s"), found \(values.count) in "
                    + IONEXError.quote(text(bytes, line, columns: 0..<60)))
            }
            let start = index
            index += 1
            while index < end {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 { break }
                if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                    let previous = bytes[index - 1]
                    if previous &- UInt8(ascii: "0") < 10 || previous == UInt8(ascii: ".") { break }
                }
                index += 1
            }
            guard let value = decimal(bytes, start..<index) else {
                let token = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                throw error(line.number, "\(what): \(IONEXError.quote(token)) is not a number")
            }
            values.append(value)
        }
        return values
    }

    private static let powersOfTen: [Double] = (0...15).map { pow(10, Double($0)) }

    /// A finite decimal number: [sign] digits [. digits] (exact to the nearest double when it
    /// has at most 15 digits), or anything Swift's Double parser reads (exponents).
    private func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var index = range.lowerBound
        var negative = false
        if bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        var mantissa = 0, digits = 0, fraction = 0, point = false
        while index < range.upperBound {
            let byte = bytes[index]
            if byte &- UInt8(ascii: "0") < 10 {
                mantissa = mantissa * 10 + Int(byte &- UInt8(ascii: "0"))
                digits += 1
                if point { fraction += 1 }
            } else if byte == UInt8(ascii: ".") && !point {
                point = true
            } else {
                break
            }
            index += 1
        }
        if index == range.upperBound && digits > 0 && digits <= 15 {
            let magnitude = Double(mantissa) / IONEXParser.powersOfTen[fraction]
            return negative ? -magnitude : magnitude
        }
        let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    private func integers(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line, what: String,
                          count: Int) throws(IONEXError) -> [Int] {
        let values = try numbers(bytes, line, what: what, count: count)
        var result: [Int] = []
        for value in values {
            guard value == value.rounded(), abs(value) < 1e9 else {
                throw error(line.number, "\(what): \(value) is not a whole number")
            }
            result.append(Int(value))
        }
        return result
    }

    /// An epoch record (year, month, day, hour, minute, second) as MJD seconds.
    private func epoch(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line, what: String) throws(IONEXError) -> Double {
        let parts = try integers(bytes, line, what: what, count: 6)
        let (year, month, day, hour, minute, second) = (parts[0], parts[1], parts[2], parts[3], parts[4], parts[5])
        guard (1900...2200).contains(year), (1...12).contains(month),
              (1...UTCDay.daysIn(month: month, year: year)).contains(day),
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else {
            throw error(line.number, "\(what) \(parts.map(String.init).joined(separator: " ")) is not a valid date and time "
                + "(year month day hour minute second)")
        }
        return Double(UTCDay.mjd(year: year, month: month, day: day)) * 86_400
            + Double(hour * 3600 + minute * 60 + second)
    }

    // MARK: - Header

    private func readHeader(_ cursor: inout Cursor) throws(IONEXError) -> Header {
        let bytes = cursor.bytes
        guard let first = cursor.next() else { throw error(nil, "the file is empty") }
        guard label(bytes, first) == .versionType else {
            throw error(1, "not an IONEX file: the first line is not an IONEX VERSION / TYPE record (it reads "
                + "\(IONEXError.quote(text(bytes, first), limit: 60)))")
        }
        let versionText = text(bytes, first, columns: 0..<20).trimmingCharacters(in: .whitespaces)
        guard let version = Double(versionText), version >= 1, version < 2 else {
            throw error(1, "IONEX version \(IONEXError.quote(versionText)) is not supported (1.0 and 1.1 are)")
        }
        let type = text(bytes, first, columns: 20..<21)
        guard type == "I" else {
            throw error(1, "file type \(IONEXError.quote(type)) in column 21 is not I (ionosphere maps)")
        }

        var header = Header()
        var inAux = false
        while let line = cursor.next() {
            guard let record = label(bytes, line) else { continue }
            if inAux {
                if record == .endAux { inAux = false }
                continue
            }
            switch record {
            case .startAux:
                inAux = true
            case .firstEpoch:
                header.firstEpoch = (try epoch(bytes, line, what: "EPOCH OF FIRST MAP"), line.number)
            case .mapCount:
                header.mapCount = try integers(bytes, line, what: "# OF MAPS IN FILE", count: 1)[0]
            case .mapDimension:
                let dimension = try integers(bytes, line, what: "MAP DIMENSION", count: 1)[0]
                guard dimension == 2 else {
                    throw error(line.number, "MAP DIMENSION is \(dimension): only 2-D (single-shell) maps are supported")
                }
            case .heights:
                let heights = try numbers(bytes, line, what: "HGT1 / HGT2 / DHGT", count: 3)
                guard heights[0] == heights[1] else {
                    throw error(line.number, "a 3-D IONEX file (heights \(heights[0]) to \(heights[1]) km in steps of "
                        + "\(heights[2]) km): only single-shell (2-D) maps, HGT1 = HGT2, are supported")
                }
                guard heights[0] > 0 else {
                    throw error(line.number, "HGT1 is \(heights[0]) km; the shell height must be positive")
                }
                header.heights = heights
            case .latitudes:
                header.latitudes = (try numbers(bytes, line, what: "LAT1 / LAT2 / DLAT", count: 3), line.number)
            case .longitudes:
                header.longitudes = (try numbers(bytes, line, what: "LON1 / LON2 / DLON", count: 3), line.number)
            case .exponent:
                let exponent = try integers(bytes, line, what: "EXPONENT", count: 1)[0]
                guard (-20...20).contains(exponent) else {
                    throw error(line.number, "EXPONENT \(exponent) is out of range (-20 to 20)")
                }
                header.exponent = exponent
            case .endHeader:
                header.endLine = line.number
                return header
            case .startTEC, .startRMS, .startHeight, .row, .currentEpoch:
                throw error(line.number, "\(record.rawValue) inside the header: END OF HEADER is missing")
            default:
                break
            }
        }
        throw error(cursor.lineNumber, "the header has no END OF HEADER record (the file ends at line "
            + "\(cursor.lineNumber); truncated?)")
    }

    /// (first, step, count) of a LAT1/LAT2/DLAT or LON1/LON2/DLON triple.
    private func axis(_ record: (values: [Double], line: Int)?, name: String, headerEnd: Int) throws(IONEXError)
        -> (first: Double, step: Double, count: Int)
    {
        guard let record else {
            throw error(headerEnd, "the header has no \(name) record")
        }
        let line = record.line
        let (first, last, step) = (record.values[0], record.values[1], record.values[2])
        guard step != 0 else {
            throw error(line, "\(name) is \(first) \(last) \(step): the step is 0")
        }
        let intervals = (last - first) / step
        let rounded = intervals.rounded()
        guard rounded >= 1, abs(intervals - rounded) < 1e-6 * max(1, rounded) else {
            throw error(line, "\(name) is \(first) \(last) \(step): the step does not divide \(first) ... \(last) "
                + "into 1 or more whole intervals")
        }
        guard rounded < 100_000 else {
            throw error(line, "\(name) is \(first) \(last) \(step): \(Int(rounded) + 1) grid points are too many")
        }
        return (first, step, Int(rounded) + 1)
    }

    // MARK: - Maps

    private func readMaps(_ cursor: inout Cursor, header: Header) throws(IONEXError) -> IONEXMaps {
        let bytes = cursor.bytes
        let end = header.endLine
        guard let firstEpoch = header.firstEpoch else { throw error(end, "the header has no EPOCH OF FIRST MAP record") }
        guard let promised = header.mapCount else { throw error(end, "the header has no # OF MAPS IN FILE record") }
        guard let heights = header.heights else { throw error(end, "the header has no HGT1 / HGT2 / DHGT record") }
        let lat = try axis(header.latitudes, name: "LAT1 / LAT2 / DLAT", headerEnd: end)
        let lon = try axis(header.longitudes, name: "LON1 / LON2 / DLON", headerEnd: end)
        for latitude in [lat.first, lat.first + Double(lat.count - 1) * lat.step] where abs(latitude) > 90 + 1e-9 {
            throw error(header.latitudes?.line, "LAT1 / LAT2 / DLAT reaches latitude \(latitude), beyond +/-90")
        }
        guard Double(lon.count - 1) * abs(lon.step) <= 360 + 1e-6 else {
            throw error(header.longitudes?.line, "LON1 / LON2 / DLON spans \(Double(lon.count - 1) * abs(lon.step)) degrees, "
                + "more than 360")
        }
        let cells = lat.count * lon.count
        let tolerance = 1e-4

        var epochs: [Double] = []
        var maps: [[Float]] = []
        // State inside a TEC map.
        var mapNumber = 0, mapStartLine = 0
        var inTEC = false
        var mapEpoch: Double?
        var scale = 0.0
        var values: [Float] = []
        var rowLatitude = 0.0, rowLine = 0
        var rowsDone = 0, rowRemaining = 0
        // State inside a skipped (RMS or height) map.
        var skipping: (end: Label, name: String, line: Int)?

        while let line = cursor.next() {
            if let skip = skipping {
                if label(bytes, line) == skip.end { skipping = nil }
                continue
            }
            if inTEC && rowRemaining > 0 {
                // A line of the current row's values, unless it is a record (the row ran short).
                if labelRange(bytes, line) != nil {
                    throw error(line.number, "TEC map \(mapNumber), latitude \(rowLatitude) (row at line \(rowLine)): "
                        + "\(lon.count - rowRemaining) of \(lon.count) values before \(IONEXError.quote(labelText(bytes, line)))")
                }
                try readValues(bytes, line, into: &values, remaining: &rowRemaining, scale: scale,
                               map: mapNumber, latitude: rowLatitude, expected: lon.count)
                if rowRemaining == 0 { rowsDone += 1 }
                continue
            }
            guard let record = label(bytes, line) else {
                if line.end == line.start || isBlank(bytes, line) {
                    if inTEC { throw error(line.number, "blank line inside TEC map \(mapNumber)") }
                    continue
                }
                if inTEC && rowsDone > 0 {
                    throw error(line.number, "TEC map \(mapNumber), latitude \(rowLatitude) (row at line \(rowLine)): "
                        + "more than the \(lon.count) values of the LON1 / LON2 / DLON grid")
                }
                throw error(line.number, "\(IONEXError.quote(text(bytes, line))) is neither a record nor part of a "
                    + "TEC map's latitude row")
            }
            let name = record.rawValue
            if !inTEC {
                switch record {
                case .startTEC:
                    let number = try integers(bytes, line, what: "START OF TEC MAP", count: 1)[0]
                    guard number == maps.count + 1 else {
                        throw error(line.number, "TEC map numbered \(number) where map \(maps.count + 1) should start")
                    }
                    inTEC = true
                    mapNumber = number
                    mapStartLine = line.number
                    mapEpoch = nil
                    scale = pow(10, Double(header.exponent))
                    values = []
                    values.reserveCapacity(min(cells, bytes.count / 4))
                    rowsDone = 0
                case .startRMS:
                    skipping = (.endRMS, "RMS map", line.number)
                case .startHeight:
                    skipping = (.endHeight, "height map", line.number)
                case .endFile:
                    return try finish(epochs, maps, promised: promised, line: line.number, lat: lat, lon: lon,
                                      height: heights[0])
                case .row, .currentEpoch, .endTEC, .endRMS, .endHeight, .exponent:
                    throw error(line.number, "\(name) outside a map (a START OF ... MAP record is missing)")
                default:
                    break  // COMMENT and anything else between maps carry no map data
                }
                continue
            }
            switch record {
            case .currentEpoch:
                guard mapEpoch == nil else { throw error(line.number, "TEC map \(mapNumber) has a second EPOCH OF CURRENT MAP") }
                let value = try epoch(bytes, line, what: "EPOCH OF CURRENT MAP")
                if let previous = epochs.last, value <= previous {
                    throw error(line.number, "TEC map \(mapNumber)'s epoch \(UTCDay.timestamp(mjdSeconds: value)) is not after "
                        + "map \(mapNumber - 1)'s \(UTCDay.timestamp(mjdSeconds: previous)): epochs must increase")
                }
                if epochs.isEmpty && value != firstEpoch.value {
                    throw error(line.number, "the first TEC map's epoch \(UTCDay.timestamp(mjdSeconds: value)) differs from "
                        + "EPOCH OF FIRST MAP \(UTCDay.timestamp(mjdSeconds: firstEpoch.value)) (line \(firstEpoch.line))")
                }
                mapEpoch = value
            case .exponent:
                let exponent = try integers(bytes, line, what: "EXPONENT", count: 1)[0]
                guard (-20...20).contains(exponent) else {
                    throw error(line.number, "EXPONENT \(exponent) is out of range (-20 to 20)")
                }
                scale = pow(10, Double(exponent))
            case .row:
                guard mapEpoch != nil else {
                    throw error(line.number, "TEC map \(mapNumber) has a latitude row before its EPOCH OF CURRENT MAP")
                }
                guard rowsDone < lat.count else {
                    throw error(line.number, "TEC map \(mapNumber) has more than the \(lat.count) latitude rows of the "
                        + "LAT1 / LAT2 / DLAT grid")
                }
                let row = try numbers(bytes, line, what: "LAT/LON1/LON2/DLON/H", count: 5)
                let expected = lat.first + Double(rowsDone) * lat.step
                guard abs(row[0] - expected) <= tolerance else {
                    throw error(line.number, "TEC map \(mapNumber): latitude row \(row[0]) where the grid's row "
                        + "\(rowsDone + 1), latitude \(expected), should come")
                }
                let lastLongitude = lon.first + Double(lon.count - 1) * lon.step
                guard abs(row[1] - lon.first) <= tolerance, abs(row[2] - lastLongitude) <= tolerance,
                      abs(row[3] - lon.step) <= tolerance else {
                    throw error(line.number, "TEC map \(mapNumber), latitude \(row[0]): longitudes \(row[1]) \(row[2]) "
                        + "\(row[3]) differ from the header's LON1 / LON2 / DLON \(lon.first) \(lastLongitude) \(lon.step)")
                }
                guard abs(row[4] - heights[0]) <= tolerance else {
                    throw error(line.number, "TEC map \(mapNumber), latitude \(row[0]): height \(row[4]) km differs from "
                        + "HGT1 \(heights[0]) km")
                }
                rowLatitude = row[0]
                rowLine = line.number
                rowRemaining = lon.count
            case .endTEC:
                let number = try integers(bytes, line, what: "END OF TEC MAP", count: 1)[0]
                guard number == mapNumber else {
                    throw error(line.number, "END OF TEC MAP \(number) closes TEC map \(mapNumber) (started at line \(mapStartLine))")
                }
                guard let mapEpoch else { throw error(line.number, "TEC map \(mapNumber) has no EPOCH OF CURRENT MAP") }
                guard rowsDone == lat.count else {
                    throw error(line.number, "TEC map \(mapNumber) ends after \(rowsDone) of the grid's \(lat.count) latitude rows")
                }
                epochs.append(mapEpoch)
                maps.append(values)
                values = []
                inTEC = false
            case .startTEC, .startRMS, .startHeight, .endFile, .endRMS, .endHeight:
                throw error(line.number, "\(name) inside TEC map \(mapNumber) (started at line \(mapStartLine)): "
                    + "END OF TEC MAP is missing")
            default:
                break  // COMMENT
            }
        }
        if inTEC {
            throw error(cursor.lineNumber, "the file ends inside TEC map \(mapNumber) (started at line \(mapStartLine)): "
                + "truncated?")
        }
        if let skip = skipping {
            throw error(cursor.lineNumber, "the file ends inside the \(skip.name) that starts at line \(skip.line): truncated?")
        }
        return try finish(epochs, maps, promised: promised, line: cursor.lineNumber, lat: lat, lon: lon,
                          height: heights[0])
    }

    private func isBlank(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line) -> Bool {
        for index in line.start..<line.end where bytes[index] != 0x20 && bytes[index] != 0x09 { return false }
        return true
    }

    private func finish(_ epochs: [Double], _ maps: [[Float]], promised: Int, line: Int,
                        lat: (first: Double, step: Double, count: Int), lon: (first: Double, step: Double, count: Int),
                        height: Double) throws(IONEXError) -> IONEXMaps {
        guard !maps.isEmpty else {
            throw error(line, "no complete TEC map in the file (the header promises \(promised))")
        }
        return IONEXMaps(path: path, epochs: epochs, latitudeFirst: lat.first, latitudeStep: lat.step,
                         latitudeCount: lat.count, longitudeFirst: lon.first, longitudeStep: lon.step,
                         longitudeCount: lon.count, shellHeight: height, tec: maps)
    }

    /// Reads one line of I5 values (right-justified integers, 16 to a line) into `values`.
    private func readValues(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Line, into values: inout [Float],
                            remaining: inout Int, scale: Double, map: Int, latitude: Double, expected: Int) throws(IONEXError) {
        func context() -> String { "TEC map \(map), latitude \(latitude)" }
        var end = line.end
        while end > line.start && (bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09) { end -= 1 }
        let fields = (end - line.start + 4) / 5
        guard fields > 0 else {
            throw error(line.number, "\(context()): a blank line where the row's values continue")
        }
        guard fields <= remaining else {
            throw error(line.number, "\(context()): more than the \(expected) values of the LON1 / LON2 / DLON grid")
        }
        var fieldStart = line.start
        for _ in 0..<fields {
            let fieldEnd = min(fieldStart + 5, end)
            var index = fieldStart
            while index < fieldEnd && bytes[index] == 0x20 { index += 1 }
            var negative = false
            if index < fieldEnd && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                negative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let digitsStart = index
            var number = 0
            while index < fieldEnd, bytes[index] &- UInt8(ascii: "0") < 10 {
                number = number * 10 + Int(bytes[index] &- UInt8(ascii: "0"))
                index += 1
            }
            guard index == fieldEnd, index > digitsStart else {
                let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<fieldEnd]), as: UTF8.self)
                throw error(line.number, "\(context()): value \(IONEXError.quote(field)) in columns "
                    + "\(fieldStart - line.start + 1)-\(fieldStart - line.start + 5) is not an integer (I5)")
            }
            if negative { number = -number }
            values.append(number == 9999 ? .nan : Float(Double(number) * scale))
            fieldStart += 5
        }
        remaining -= fields
    }
}
