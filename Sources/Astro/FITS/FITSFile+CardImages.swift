import CFITSIO

extension FITSFile {
    /// The current HDU's header as written: 80-character records without END. For a
    /// tile-compressed image, the header of the image it holds (as cfitsio presents it).
    public func cardImages() throws -> String {
        guard try isCompressedImage() else { return try rawCardImages() }
        var text: UnsafeMutablePointer<CChar>?
        var count: Int32 = 0
        var status: Int32 = 0
        ffcnvthdr2str(handle, 0, nil, 0, &text, &count, &status)
        defer { var s: Int32 = 0; if let text { fffree(text, &s) } }
        if status == 0, let text { return String(cString: text) }
        // cfitsio cannot rebuild some image headers (astropy's comp.fits): do it by the
        // tiled-image convention from the table's own cards.
        _ = cfitsioErrorText(status)
        return CompressedImageHeader.imageCards(fromTable: try rawCardImages())
    }

    /// The current HDU's cards exactly as stored (for a compressed image: its table's).
    func rawCardImages() throws -> String {
        var text: UnsafeMutablePointer<CChar>?
        var count: Int32 = 0
        try call("read the header") { ffhdr2str(handle, 0, nil, 0, &text, &count, &$0) }
        defer { var s: Int32 = 0; if let text { fffree(text, &s) } }
        return text.map { String(cString: $0) } ?? ""
    }

    /// Whether the current HDU is a tile-compressed image (a binary table cfitsio reads as
    /// an image).
    public func isCompressedImage() throws -> Bool {
        var status: Int32 = 0
        let answer = fits_is_compressed_image(handle, &status)
        if status != 0 {
            throw FITSError.cfitsio(path: path, operation: "check for a compressed image", status: status, text: cfitsioErrorText(status))
        }
        return answer != 0
    }
}

/// The image header a tile-compressed HDU stands for, from its binary table's cards by the
/// FITS tiled image compression convention: ZBITPIX, ZNAXISn, ZTENSION... become BITPIX,
/// NAXISn, XTENSION..., and the table's own layout and compression cards are dropped.
enum CompressedImageHeader {
    static let renamed: [String: String] = [
        "ZSIMPLE": "SIMPLE", "ZTENSION": "XTENSION", "ZBITPIX": "BITPIX", "ZNAXIS": "NAXIS", "ZEXTEND": "EXTEND",
        "ZBLOCKED": "BLOCKED", "ZPCOUNT": "PCOUNT", "ZGCOUNT": "GCOUNT", "ZHECKSUM": "CHECKSUM", "ZDATASUM": "DATASUM",
    ]

    static func imageCards(fromTable text: String) -> String {
        let bytes = Array(text.utf8)
        var cards: [(key: String, record: String)] = []
        var i = 0
        while i + 80 <= bytes.count {
            let record = String(decoding: bytes[i..<i + 80], as: UTF8.self)
            i += 80
            let key = String(record.prefix(8)).trimmingCharacters(in: Character(" "))
            if let name = renamed[key] {
                cards.append((name, name.padding(8) + String(record.dropFirst(8))))
            } else if key.hasPrefix("ZNAXIS"), let n = Int(key.dropFirst(6)) {
                let name = "NAXIS\(n)"
                cards.append((name, name.padding(8) + String(record.dropFirst(8))))
            } else if isTableCard(key) {
                continue
            } else {
                cards.append((key, record))
            }
        }
        // The mandatory cards first, in the standard's order.
        func rank(_ key: String) -> Int {
            switch key {
            case "SIMPLE", "XTENSION": return 0
            case "BITPIX": return 1
            case "NAXIS": return 2
            default:
                if key.hasPrefix("NAXIS"), let n = Int(key.dropFirst(5)) { return 2 + n }
                return 1000
            }
        }
        var ordered = cards.enumerated().sorted { a, b in
            let (ra, rb) = (rank(a.element.key), rank(b.element.key))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
        if !ordered.contains(where: { $0.key == "SIMPLE" || $0.key == "XTENSION" }) {
            ordered.insert(("XTENSION", "XTENSION= 'IMAGE   '           / Image extension".padding(80)), at: 0)
        }
        return ordered.map(\.record).joined()
    }

    /// The binary table's own cards, which describe the storage, not the image.
    static func isTableCard(_ key: String) -> Bool {
        switch key {
        case "XTENSION", "BITPIX", "NAXIS", "PCOUNT", "GCOUNT", "TFIELDS", "THEAP", "EXTEND", "ZIMAGE", "ZCMPTYPE",
             "ZQUANTIZ", "ZDITHER0", "ZMASKCMP", "CHECKSUM", "DATASUM":
            return true
        default:
            for prefix in ["NAXIS", "TTYPE", "TFORM", "TDIM", "TUNIT", "TSCAL", "TZERO", "TNULL", "TDISP", "ZTILE", "ZNAME", "ZVAL"]
            where key.hasPrefix(prefix) && Int(key.dropFirst(prefix.count)) != nil {
                return true
            }
            return false
        }
    }
}
