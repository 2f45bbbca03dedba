import CWCSLib
import Foundation

/// One world coordinate system as wcslib holds it: parsed from a header's card images
/// (`wcspih`, every non-standard form accepted as astropy does), fixed (`wcsfix`: CROTA,
/// PC00i00j, NCP, units, dates...), set up (`wcsset`, distortions included), and
/// transformed (`wcsp2s`, `wcss2p`). Pixel coordinates here are FITS's, 1-based.
///
/// wcslib keeps work arrays in the struct, so calls are serialised by a lock; make one
/// transform per thread where many points are converted at once, or pass arrays.
final class WCSLibTransform: @unchecked Sendable {
    private let wcs: UnsafeMutablePointer<wcsprm>
    private let lock = NSLock()

    let naxis: Int
    /// CTYPEi and CUNITi (after the fixes), by 0-based axis.
    let ctype: [String]
    let cunit: [String]
    /// 0-based axes of celestial longitude and latitude and of the spectral axis (nil: none).
    let longitude: Int?
    let latitude: Int?
    let spectral: Int?
    /// CRPIXi (1-based) and CRVALi (after unit conversion to degrees and SI).
    let crpix: [Double]
    let crval: [Double]
    /// What wcsfix changed, one message each (astropy warns the same way).
    let fixes: [String]
    /// The distortions in use, as "prior:1:SIP" (stage, 1-based axis, function).
    let distortions: [String]

    /// Serialises parsing and setting up (see `init`).
    static let setupLock = NSRecursiveLock()

    /// wcslib writes its error messages into the structs only when asked, once per process.
    private static let errorsEnabled: Bool = { wcserr_enable(1); return true }()

    /// Parses `cardImages` (80-character records). `naxis` (NAXISi) helps the fixes; the
    /// WCS with key `alternate` (" " for the primary) is used.
    init(cardImages: String, naxis dimensions: [Int], alternate: Character = " ") throws {
        // wcslib's header and unit parsers (flex scanners) and its fixes keep global state:
        // one struct is set up at a time in the process; transforms then run in parallel.
        Self.setupLock.lock()
        defer { Self.setupLock.unlock() }
        _ = Self.errorsEnabled
        try Self.requireWellFormed(cardImages)
        try Self.refuseUnsupported(cardImages)
        let (normalised, conventions) = ScampConvention.normalise(cardImages)
        var text = Array(normalised.utf8CString)
        let records = Int32((text.count - 1) / 80)
        var rejected: Int32 = 0, count: Int32 = 0
        var parsed: UnsafeMutablePointer<wcsprm>?
        let status = text.withUnsafeMutableBufferPointer { buf in
            wcspih(buf.baseAddress, records, WCSHDR_all, 0, &rejected, &count, &parsed)
        }
        guard status == 0 else {
            throw WCSError.wcslib("the header could not be parsed (wcspih status \(status))")
        }
        var parsedCount = count, parsedArray = parsed
        defer { if parsedCount > 0 { _ = wcsvfree(&parsedCount, &parsedArray) } }
        var basic: UnsafeMutablePointer<wcsprm>?
        defer { arrakis_wcs_free(basic) }
        if count == 0 {
            // No WCS keywords at all: the default, world = pixel on each of NAXIS axes (as
            // astropy does, two axes when NAXIS is not given), so a header without a WCS still converts.
            basic = arrakis_wcs_default(Int32(dimensions.isEmpty ? 2 : dimensions.count))
            guard basic != nil else { throw WCSError.noWCS }
            parsed = basic
            count = 1
        }
        if rejected > 0 {
            // A WCS card wcslib could not read would silently take its default (CRVAL 0):
            // refused, with wcslib's reason, for the cards that place pixels on the sky.
            let report = Self.rejections(cardImages)
            if let bad = report.first(where: { Self.placesPixels($0.keyword) }) {
                throw WCSError.invalid(keyword: bad.keyword, value: bad.value, reason: bad.reason)
            }
        }
        guard let parsed, count > 0 else { throw WCSError.noWCS }
        var chosen: UnsafeMutablePointer<wcsprm>?
        var keys: [Character] = []
        for i in 0..<Int(count) {
            let key = Character(UnicodeScalar(UInt8(bitPattern: arrakis_wcs_alt(parsed + i))))
            keys.append(key == "\0" ? " " : key)
            if keys.last == alternate { chosen = parsed + i }
        }
        guard let chosen else {
            throw WCSError.inconsistent("no WCS with key '\(alternate)' (the header has \(keys.map { $0 == " " ? "the primary" : "'\($0)'" }.joined(separator: ", ")))")
        }
        guard let copy = arrakis_wcs_copy(chosen) else { throw WCSError.wcslib("cannot copy the WCS (out of memory)") }
        wcs = copy
        let n = Int(copy.pointee.naxis)
        naxis = n
        // Fixes, with a NAXIS per axis (0 where unknown: cylfix then leaves it alone).
        var dims = (0..<n).map { Int32(clamping: $0 < dimensions.count ? dimensions[$0] : 0) }
        var messages = [CChar](repeating: 0, count: 4096)
        var stat = [Int32](repeating: -1, count: Int(NWCSFIX))
        let typesBefore = (0..<n).map { String(cString: arrakis_wcs_ctype(copy, Int32($0))) }
        let unitsBefore = (0..<n).map { String(cString: arrakis_wcs_cunit(copy, Int32($0))) }
        let failed = dims.withUnsafeMutableBufferPointer { d in arrakis_wcs_fix(copy, d.baseAddress, &messages, 4096, &stat) }
        let fixText = String(cString: messages)
        var fixLines = fixText.split(separator: "\u{1F}").map {
            $0.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        }
        // This wcslib says what a successful fix did only sometimes: say it from the cards.
        for k in 0..<n {
            let t = String(cString: arrakis_wcs_ctype(copy, Int32(k))).trimmingCharacters(in: .whitespaces)
            let u = String(cString: arrakis_wcs_cunit(copy, Int32(k))).trimmingCharacters(in: .whitespaces)
            let (t0, u0) = (typesBefore[k].trimmingCharacters(in: .whitespaces), unitsBefore[k].trimmingCharacters(in: .whitespaces))
            if t != t0 { fixLines.append("CTYPE\(k + 1) '\(t0)' read as '\(t)'") }
            if u != u0, !u0.isEmpty, !fixText.contains("units") { fixLines.append("CUNIT\(k + 1) '\(u0)' read as '\(u)'") }
        }
        let names = ["cdfix: completed the CDi_j matrix", "datfix: repaired or derived DATE-OBS / MJD-OBS",
                     "obsfix: completed OBSGEO-X/Y/Z or L/B/H", "", "", "", "cylfix: moved a cylindrical projection's reference point"]
        for (i, name) in names.enumerated() where stat[i] == 0 && !name.isEmpty && fixText.isEmpty { fixLines.append(name) }
        // A fix that failed is reported, as astropy warns; wcsset below decides whether the
        // header can be used at all.
        var notes = conventions
        for line in fixLines {
            let text = line.hasPrefix("error: ") ? "could not fix: " + line.dropFirst(7) : line
            if !notes.contains(text) { notes.append(text) }
        }
        _ = failed
        fixes = notes
        let setStatus = wcsset(copy)
        guard setStatus == 0 else {
            let message = String(cString: arrakis_wcs_error(copy))
            let lat = Int(copy.pointee.lat)
            let latitude = lat >= 0 ? copy.pointee.crval[lat] : 0
            let note = Self.axesNote(copy)
            arrakis_wcs_free(copy)
            if abs(latitude) > 90 {
                throw WCSError.invalid(keyword: "CRVAL\(lat + 1)", value: String(latitude), reason: "a latitude must be within [-90, 90]")
            }
            throw WCSError.wcslib((message.isEmpty ? "wcsset status \(setStatus)" : message) + note)
        }
        ctype = (0..<n).map { String(cString: arrakis_wcs_ctype(copy, Int32($0))).trimmingCharacters(in: .whitespaces) }
        cunit = (0..<n).map { String(cString: arrakis_wcs_cunit(copy, Int32($0))).trimmingCharacters(in: .whitespaces) }
        let lng = Int(copy.pointee.lng), lat = Int(copy.pointee.lat), spec = Int(copy.pointee.spec)
        longitude = lng >= 0 ? lng : nil
        latitude = lat >= 0 ? lat : nil
        spectral = spec >= 0 ? spec : nil
        crpix = (0..<n).map { copy.pointee.crpix[$0] }
        crval = (0..<n).map { copy.pointee.crval[$0] }
        var dist = [CChar](repeating: 0, count: 1024)
        arrakis_wcs_distortions(copy, &dist, 1024)
        distortions = String(cString: dist).split(separator: " ").map(String.init)
    }

    /// A copy whose reference pixel moves by `shift` (per axis, pixels).
    init(_ other: WCSLibTransform, shiftingReferencePixel shift: [Double]) throws {
        Self.setupLock.lock()
        defer { Self.setupLock.unlock() }
        guard let copy = other.lock.withLock({ arrakis_wcs_copy(other.wcs) }) else {
            throw WCSError.wcslib("cannot copy the WCS (out of memory)")
        }
        for (i, s) in shift.enumerated() where i < Int(copy.pointee.naxis) { copy.pointee.crpix[i] += s }
        copy.pointee.flag = 0
        let status = wcsset(copy)
        guard status == 0 else {
            let message = String(cString: arrakis_wcs_error(copy))
            arrakis_wcs_free(copy)
            throw WCSError.wcslib(message)
        }
        wcs = copy
        naxis = other.naxis
        ctype = other.ctype
        cunit = other.cunit
        longitude = other.longitude
        latitude = other.latitude
        spectral = other.spectral
        crpix = (0..<other.naxis).map { copy.pointee.crpix[$0] }
        crval = other.crval
        fixes = other.fixes
        distortions = other.distortions
    }

    deinit { arrakis_wcs_free(wcs) }

    /// World coordinates of `count` pixels (`pixels` holds `naxis` values per point,
    /// 1-based). A point outside the projection's domain gives NaN in every element.
    func world(pixels: [Double], count: Int) -> [Double] {
        transform(pixels, count: count, toWorld: true)
    }

    /// Pixel coordinates (1-based) of `count` world points (`naxis` values each); NaN where
    /// the projection does not reach.
    func pixels(world: [Double], count: Int) -> [Double] {
        transform(world, count: count, toWorld: false)
    }

    private func transform(_ input: [Double], count: Int, toWorld: Bool) -> [Double] {
        let n = naxis
        guard count > 0, input.count >= count * n else { return [] }
        var output = [Double](repeating: .nan, count: count * n)
        var intermediate = [Double](repeating: 0, count: count * n)
        var phi = [Double](repeating: 0, count: count), theta = [Double](repeating: 0, count: count)
        var stat = [Int32](repeating: 0, count: count)
        let status: Int32 = lock.withLock {
            if toWorld {
                return wcsp2s(wcs, Int32(count), Int32(n), input, &intermediate, &phi, &theta, &output, &stat)
            }
            return wcss2p(wcs, Int32(count), Int32(n), input, &phi, &theta, &intermediate, &output, &stat)
        }
        if status != 0 {
            // 8 (9 for s2p): some points invalid, marked in `stat`; anything else: all fail.
            let partial = toWorld ? status == 8 : status == 9
            for i in 0..<count where !partial || stat[i] != 0 {
                for k in 0..<n { output[i * n + k] = .nan }
            }
        }
        return output
    }

    /// One point each way without allocating: `input` and `output` hold `naxis` values.
    /// Returns false (output NaN) where the projection does not reach.
    func transformOne(_ input: UnsafePointer<Double>, _ output: UnsafeMutablePointer<Double>, toWorld: Bool) -> Bool {
        let n = naxis
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: n + 2) { scratch in
            let intermediate = scratch.baseAddress!, phi = scratch.baseAddress! + n, theta = scratch.baseAddress! + n + 1
            var stat: Int32 = 0
            let status: Int32 = lock.withLock {
                toWorld ? wcsp2s(wcs, 1, Int32(n), input, intermediate, phi, theta, output, &stat)
                        : wcss2p(wcs, 1, Int32(n), input, phi, theta, intermediate, output, &stat)
            }
            guard status == 0 else {
                for k in 0..<n { output[k] = .nan }
                return false
            }
            return true
        }
    }

    /// CDELTi x PCi_j (or CDi_j, or from CROTA), row-major by world axis: pixel offsets to
    /// intermediate world coordinates, in the axes' units (degrees for celestial axes).
    var linearMatrix: [Double] {
        lock.withLock {
            // linset leaves piximg unset when the matrix is unity: build it from PC and CDELT
            // (wcsset has already turned CD or CROTA into them).
            let n = naxis
            guard let pc = wcs.pointee.lin.pc, let cdelt = wcs.pointee.lin.cdelt else { return [] }
            return (0..<n * n).map { cdelt[$0 / n] * pc[$0] }
        }
    }

    /// The native longitude of the celestial pole (LONPOLE, or its default), degrees.
    var lonpole: Double { lock.withLock { wcs.pointee.lonpole } }

    /// wcsprt's description of the struct.
    var printed: String {
        Self.setupLock.withLock {
            guard let text = arrakis_wcs_describe(wcs) else { return "" }
            defer { free(text) }
            return String(cString: text)
        }
    }

    /// Projection code of the celestial axes ("SIN"), if any.
    var projection: String? {
        guard let longitude else { return nil }
        let t = ctype[longitude]
        guard t.count >= 8 else { return nil }
        return String(Array(t)[5..<8])
    }

    /// " (CTYPE1 'RA---SIN', CTYPE2 'FREQ')": the axes, for messages that do not name them.
    private static func axesNote(_ wcs: UnsafeMutablePointer<wcsprm>) -> String {
        let n = Int(wcs.pointee.naxis)
        let types = (0..<n).map { "CTYPE\($0 + 1) '\(String(cString: arrakis_wcs_ctype(wcs, Int32($0))).trimmingCharacters(in: .whitespaces))'" }
        return types.isEmpty ? "" : " (" + types.joined(separator: ", ") + ")"
    }

    /// Keywords whose value decides where a pixel lands on the sky.
    static func placesPixels(_ keyword: String) -> Bool {
        let k = keyword.uppercased()
        for prefix in ["CTYPE", "CRVAL", "CRPIX", "CDELT", "CD", "PC", "PV", "PS", "CROTA", "LONPOLE", "LATPOLE", "CUNIT",
                       "DP", "DQ", "CPDIS", "CQDIS", "A_", "B_", "AP_", "BP_"] where k.hasPrefix(prefix) {
            return true
        }
        return false
    }

    /// Serialises wcslib's report, which goes through a process-wide print buffer.
    private static let reportLock = NSLock()

    /// The keyrecords wcspih rejected: keyword, value text and wcslib's reason.
    static func rejections(_ cardImages: String) -> [(keyword: String, value: String, reason: String)] {
        var text = Array(cardImages.utf8CString)
        let records = Int32((text.count - 1) / 80)
        let report: String = reportLock.withLock {
            text.withUnsafeMutableBufferPointer { buf in
                guard let r = arrakis_wcspih_rejections(buf.baseAddress, records) else { return "" }
                defer { free(r) }
                return String(cString: r)
            }
        }
        // wcspih reports each rejection as the keyrecord on one line, then the reason.
        var out: [(String, String, String)] = []
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, line) in lines.enumerated() where line.count >= 9 && line.dropFirst(8).hasPrefix("=") {
            let keyword = line.prefix(8).trimmingCharacters(in: .whitespaces)
            var value = line.dropFirst(9).split(separator: "/").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
                value = "'" + value.dropFirst().dropLast().trimmingCharacters(in: .whitespaces) + "'"
            }
            var reason = i + 1 < lines.count ? lines[i + 1].trimmingCharacters(in: .whitespaces) : ""
            if reason.hasPrefix("Rejected"), let comma = reason.range(of: "), ") { reason = String(reason[comma.upperBound...]) }
            if reason.hasSuffix(".") { reason.removeLast() }
            out.append((keyword, value, reason.isEmpty ? "rejected by wcslib" : "wcslib rejected it: " + reason))
        }
        return out
    }

    /// wcslib's header scanner trusts its input (a string value left open across records
    /// overruns its buffers): every record must be printable ASCII with its string value
    /// closed, or the header is refused, naming the card.
    static func requireWellFormed(_ cardImages: String) throws {
        let bytes = Array(cardImages.utf8)
        guard bytes.count % 80 == 0 else {
            throw WCSError.invalid(keyword: "header", value: "\(bytes.count) bytes", reason: "not whole 80-character cards")
        }
        for r in 0..<bytes.count / 80 {
            let card = bytes[r * 80..<r * 80 + 80]
            let key = String(decoding: card.prefix(8), as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let name = key.isEmpty ? "card \(r + 1)" : key
            if let bad = card.first(where: { $0 < 32 || $0 > 126 }) {
                throw WCSError.invalid(keyword: name, value: "(card \(r + 1))",
                                       reason: "holds the byte 0x\(String(bad, radix: 16, uppercase: true)), which is not printable ASCII")
            }
            guard card.dropFirst(8).starts(with: [61, 32]) else { continue }   // "= "
            var i = card.startIndex + 10
            while i < card.endIndex, card[i] == 32 { i += 1 }
            guard i < card.endIndex, card[i] == 39 else { continue }            // a string value
            i += 1
            var closed = false
            while i < card.endIndex {
                if card[i] == 39 {
                    if i + 1 < card.endIndex, card[i + 1] == 39 { i += 2; continue }   // '' is a quote
                    closed = true
                    break
                }
                i += 1
            }
            if !closed {
                throw WCSError.invalid(keyword: name, value: "(card \(r + 1))", reason: "its string value has no closing quote")
            }
        }
    }

    /// Refuses what wcslib would silently ignore: astropy's lookup-table distortions
    /// (CPDISja/CQDISia = 'Lookup', D2IM...), which live in image extensions.
    static func refuseUnsupported(_ cardImages: String) throws {
        let bytes = Array(cardImages.utf8)
        var i = 0
        while i + 80 <= bytes.count {
            let record = String(decoding: bytes[i..<i + 80], as: UTF8.self)
            i += 80
            let key = record.prefix(8).trimmingCharacters(in: .whitespaces)
            if key.hasPrefix("CTYPE"), record.contains("-TAB'") || record.contains("-TAB ") {
                throw WCSError.unsupportedDistortion(keyword: key, kind: "a coordinate lookup table (-TAB, in a binary table extension)")
            }
            if key.hasPrefix("D2IM") {
                throw WCSError.unsupportedDistortion(keyword: key, kind: "detector-to-image lookup table (D2IM)")
            }
            if key.hasPrefix("CPDIS") || key.hasPrefix("CQDIS") || key.hasPrefix("DISTORT") {
                let value = record.dropFirst(10).split(separator: "'").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                if value.lowercased().hasPrefix("lookup") {
                    throw WCSError.unsupportedDistortion(keyword: key, kind: "lookup-table distortion ('\(value)')")
                }
            }
        }
    }
}
