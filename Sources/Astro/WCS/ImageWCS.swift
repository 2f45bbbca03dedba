import Foundation

/// The world coordinate system of one image as a user asks about it (`arrakis fits wcs`):
/// pixel (x, y) ↔ world for its celestial axes, or its first two axes when it has none,
/// every other axis at its reference pixel. Pixels are FITS's 1-based ones unless
/// `zeroBased`. Built on wcslib like `CelestialWCS`.
public struct ImageWCS: Sendable {
    let transform: WCSLibTransform
    /// The two 0-based axes that x and y (and the two world values) refer to.
    public let axes: (x: Int, y: Int)
    /// The world axes of the two output values: (longitude, latitude) for celestial axes.
    public let worldAxes: (Int, Int)
    /// CTYPE of every axis.
    public var ctype: [String] { transform.ctype }
    /// What wcsfix repaired.
    public var fixes: [String] { transform.fixes }

    /// From a header's card images (80-character records).
    public init(cardImages: String) throws {
        let naxis = Self.naxis(cardImages)
        transform = try WCSLibTransform(cardImages: cardImages, naxis: naxis)
        if let lng = transform.longitude, let lat = transform.latitude {
            axes = (min(lng, lat), max(lng, lat))
            worldAxes = (lng, lat)
        } else {
            axes = (0, min(1, transform.naxis - 1))
            worldAxes = axes
        }
    }

    /// From a FITS file's HDU, or a text file of header cards (80-character records, with or
    /// without line ends, as astropy's `.hdr` files). Errors name the file.
    public static func read(_ path: String, hdu: Int = 1) throws -> ImageWCS {
        let text: String
        do {
            text = try Self.cardImages(path, hdu: hdu)
        } catch let e as FITSError {
            throw e
        }
        do {
            return try ImageWCS(cardImages: text)
        } catch let e as WCSError {
            throw FITSError.invalid(path: path, message: "HDU \(hdu): \(e)")
        }
    }

    static func cardImages(_ path: String, hdu: Int) throws -> String {
        let looksLikeText = path.hasSuffix(".hdr") || path.hasSuffix(".txt")
        if !looksLikeText {
            do {
                let f = try FITSFile.open(path)
                try f.moveTo(hdu: hdu)
                return try f.cardImages()
            } catch let e as FITSError {
                // A bare header (no data blocks) is read as text, if it is text.
                guard hdu == 1, let text = try? HeaderText.read(path) else { throw e }
                return text
            }
        }
        guard hdu == 1 else { throw FITSError.invalid(path: path, message: "a header text file has one HDU, not \(hdu)") }
        return try HeaderText.read(path)
    }

    /// World coordinates of pixel (x, y); NaN where the projection does not reach.
    public func world(x: Double, y: Double, zeroBased: Bool = false) -> (Double, Double) {
        worlds([(x, y)], zeroBased: zeroBased)[0]
    }

    /// World coordinates of many pixels in one wcslib call.
    public func worlds(_ points: [(Double, Double)], zeroBased: Bool = false) -> [(Double, Double)] {
        let n = transform.naxis, shift = zeroBased ? 1.0 : 0.0
        var pixels = [Double](repeating: 0, count: points.count * n)
        for (i, p) in points.enumerated() {
            for k in 0..<n { pixels[i * n + k] = transform.crpix[k] }
            pixels[i * n + axes.x] = p.0 + shift
            if axes.y != axes.x { pixels[i * n + axes.y] = p.1 + shift }
        }
        let w = transform.world(pixels: pixels, count: points.count)
        guard w.count == points.count * n else { return points.map { _ in (.nan, .nan) } }
        return points.indices.map { i in
            let a = w[i * n + worldAxes.0], b = worldAxes.1 == worldAxes.0 ? .nan : w[i * n + worldAxes.1]
            if transform.longitude != nil, a.isFinite, b.isFinite { return (normalizedLongitude(a), b) }
            return a.isFinite && (b.isFinite || worldAxes.1 == worldAxes.0) ? (a, b) : (.nan, .nan)
        }
    }

    /// The pixel of world coordinates (a, b); NaN where the projection does not reach.
    public func pixel(_ a: Double, _ b: Double, zeroBased: Bool = false) -> (Double, Double) {
        pixels([(a, b)], zeroBased: zeroBased)[0]
    }

    /// Pixels of many world points in one wcslib call.
    public func pixels(_ points: [(Double, Double)], zeroBased: Bool = false) -> [(Double, Double)] {
        let n = transform.naxis, shift = zeroBased ? 1.0 : 0.0
        var world = [Double](repeating: 0, count: points.count * n)
        for (i, p) in points.enumerated() {
            for k in 0..<n { world[i * n + k] = transform.crval[k] }
            world[i * n + worldAxes.0] = p.0
            if worldAxes.1 != worldAxes.0 { world[i * n + worldAxes.1] = p.1 }
        }
        let px = transform.pixels(world: world, count: points.count)
        guard px.count == points.count * n else { return points.map { _ in (.nan, .nan) } }
        return points.indices.map { i in
            let x = px[i * n + axes.x] - shift, y = axes.y == axes.x ? .nan : px[i * n + axes.y] - shift
            return x.isFinite && (y.isFinite || axes.y == axes.x) ? (x, y) : (.nan, .nan)
        }
    }

    /// What wcslib understood, for people.
    public var summary: String {
        let n = transform.naxis
        var lines: [String] = []
        lines.append("axes: " + (0..<n).map { "\($0 + 1) \(transform.ctype[$0])\(transform.cunit[$0].isEmpty ? "" : " [\(transform.cunit[$0])]")" }
            .joined(separator: ", "))
        if let lng = transform.longitude, let lat = transform.latitude {
            lines.append("celestial: longitude axis \(lng + 1), latitude axis \(lat + 1), projection \(transform.projection ?? "?")")
            lines.append(String(format: "reference point: (%.10f, %.10f) deg at pixel (%.6f, %.6f); LONPOLE %.6f", transform.crval[lng],
                                transform.crval[lat], transform.crpix[min(lng, lat)], transform.crpix[max(lng, lat)], transform.lonpole))
        } else {
            lines.append("celestial: none (x and y are axes \(axes.x + 1) and \(axes.y + 1))")
        }
        if let spec = transform.spectral { lines.append("spectral: axis \(spec + 1)") }
        lines.append("reference pixel: " + transform.crpix.map { String(format: "%.6f", $0) }.joined(separator: " "))
        lines.append("reference value: " + transform.crval.map { String(format: "%.10g", $0) }.joined(separator: " "))
        let m = transform.linearMatrix
        lines.append("matrix (CDELT x PC, per pixel):")
        for i in 0..<n { lines.append("  " + (0..<n).map { String(format: "%14.7e", m[i * n + $0]) }.joined(separator: " ")) }
        lines.append("distortions: " + (transform.distortions.isEmpty ? "none" : transform.distortions.joined(separator: ", ")))
        lines.append("fixes applied: " + (transform.fixes.isEmpty ? "none" : transform.fixes.joined(separator: "; ")))
        return lines.joined(separator: "\n") + "\n"
    }

    /// wcslib's own dump of the struct (wcsprt).
    public var wcslibDump: String { transform.printed }

    /// NAXISn of the records (0 where absent), for wcsfix.
    static func naxis(_ cardImages: String) -> [Int] {
        var values: [Int: Int] = [:]
        var n = 0
        let bytes = Array(cardImages.utf8)
        var i = 0
        while i + 80 <= bytes.count {
            let record = String(decoding: bytes[i..<i + 80], as: UTF8.self)
            i += 80
            guard record.hasPrefix("NAXIS"), record.dropFirst(8).hasPrefix("=") else { continue }
            let key = record.prefix(8).trimmingCharacters(in: .whitespaces)
            let value = Int(record.dropFirst(10).split(separator: "/").first?.trimmingCharacters(in: .whitespaces) ?? "") ?? 0
            if key == "NAXIS" { n = max(0, min(value, 999)) } else if let a = Int(key.dropFirst(5)), (1...999).contains(a) { values[a] = value }
        }
        return (0..<n).map { values[$0 + 1] ?? 0 }
    }
}

/// A text file of FITS header cards: 80-character records one after the other, or one per
/// line (shorter lines padded), up to END.
enum HeaderText {
    static func read(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FITSError.invalid(path: path, message: "cannot read")
        }
        let bytes = [UInt8](data)
        guard !bytes.isEmpty, bytes.allSatisfy({ ($0 >= 32 && $0 < 127) || $0 == 10 || $0 == 13 || $0 == 9 }) else {
            throw FITSError.invalid(path: path, message: "neither a FITS file nor a text file of header cards")
        }
        var records: [String] = []
        if bytes.contains(10) {
            for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                var l = String(line)
                if l.hasSuffix("\r") { l.removeLast() }
                // A long line holds several records.
                var rest = Substring(l)
                repeat {
                    records.append(String(rest.prefix(80)))
                    rest = rest.dropFirst(80)
                } while !rest.isEmpty
            }
        } else {
            var i = 0
            while i < bytes.count {
                records.append(String(decoding: bytes[i..<min(i + 80, bytes.count)], as: UTF8.self))
                i += 80
            }
        }
        var out = ""
        for r in records {
            let record = r.replacingOccurrences(of: "\t", with: " ")
            if record.hasPrefix("END") && record.dropFirst(3).allSatisfy({ $0 == " " }) { break }
            if record.isEmpty { continue }
            out += record.padding(80)
        }
        return out
    }
}
