import CFITSIO

extension FITSFile {
    /// Every card of the current HDU's header, in order. Long strings continued over
    /// CONTINUE cards are joined into one value.
    public func readHeader() throws -> FITSHeader {
        // A tile-compressed image: the header of the image it holds (NAXISn, BITPIX of the
        // image, not of the table that stores it), as cfitsio presents it.
        if try isCompressedImage() { return try header(fromCardImages: try cardImages()) }
        var count: Int32 = 0
        var more: Int32 = 0
        try call("read header size") { ffghsp(handle, &count, &more, &$0) }
        var cards: [FITSCard] = []
        cards.reserveCapacity(Int(count))
        var keyword = [CChar](repeating: 0, count: Int(FLEN_KEYWORD))
        var value = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var comment = [CChar](repeating: 0, count: Int(FLEN_COMMENT))
        for n in 1...max(Int32(1), count) where count > 0 {
            try call("read header card \(n)") { ffgkyn(handle, n, &keyword, &value, &comment, &$0) }
            let key = String(cBuffer: keyword)
            let text = String(cBuffer: value)
            let note = String(cBuffer: comment)
            if key == "CONTINUE" { continue }   // folded into the long string that precedes it
            if text.hasPrefix("'"), text.hasSuffix("&'") {
                cards.append(FITSCard(key, .string(try readLongString(key)), comment: note))
                continue
            }
            if key == "COMMENT" || key == "HISTORY" || (key.isEmpty && text.isEmpty) {
                cards.append(FITSCard(key, nil, comment: note))
            } else {
                cards.append(FITSCard(key, try parseValue(text, keyword: key), comment: note))
            }
        }
        return FITSHeader(cards)
    }

    /// The whole value of a string keyword continued over CONTINUE cards.
    private func readLongString(_ key: String) throws -> String {
        var pointer: UnsafeMutablePointer<CChar>?
        var comment = [CChar](repeating: 0, count: Int(FLEN_COMMENT))
        try call("read long string \(key)") { ffgkls(handle, key, &pointer, &comment, &$0) }
        defer { if let pointer { var s: Int32 = 0; fffree(pointer, &s) } }
        var s = pointer.map { String(cString: $0) } ?? ""
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// Cards parsed from 80-character records with cfitsio's own card parser.
    func header(fromCardImages text: String) throws -> FITSHeader {
        var cards: [FITSCard] = []
        let bytes = Array(text.utf8)
        var i = 0
        var name = [CChar](repeating: 0, count: Int(FLEN_KEYWORD))
        var value = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var comment = [CChar](repeating: 0, count: Int(FLEN_COMMENT))
        while i + 80 <= bytes.count {
            var record = Array(bytes[i..<i + 80].map { CChar(bitPattern: $0) }) + [0]
            i += 80
            var length: Int32 = 0, status: Int32 = 0
            ffgknm(&record, &name, &length, &status)
            ffpsvc(&record, &value, &comment, &status)
            guard status == 0 else { continue }
            let key = String(cBuffer: name), text = String(cBuffer: value), note = String(cBuffer: comment)
            if key == "CONTINUE" || key == "END" { continue }
            if key == "COMMENT" || key == "HISTORY" || (key.isEmpty && text.isEmpty) {
                cards.append(FITSCard(key, nil, comment: note))
            } else {
                cards.append(FITSCard(key, try parseValue(text, keyword: key), comment: note))
            }
        }
        return FITSHeader(cards)
    }

    /// Deletes the two COMMENT cards cfitsio adds to every new primary header (citing the
    /// FITS paper), so that a written header holds exactly the caller's cards.
    func removeStandardComments() throws {
        var count: Int32 = 0, more: Int32 = 0
        try call("read header size") { ffghsp(handle, &count, &more, &$0) }
        var keyword = [CChar](repeating: 0, count: Int(FLEN_KEYWORD))
        var value = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var comment = [CChar](repeating: 0, count: Int(FLEN_COMMENT))
        var n = count
        while n >= 1 {
            try call("read header card \(n)") { ffgkyn(handle, n, &keyword, &value, &comment, &$0) }
            let text = String(cBuffer: comment)
            if String(cBuffer: keyword) == "COMMENT",
               text.hasPrefix("  FITS (Flexible Image Transport System) format is defined")
                || text.hasPrefix("  and Astrophysics', volume 376, page 359") {
                try call("delete card \(n)") { ffdrec(handle, n, &$0) }
            }
            n -= 1
        }
    }

    /// Writes the non-structural cards of `header` into the current HDU: values are
    /// updated in place when the keyword exists, COMMENT and HISTORY cards appended.
    func writeCards(_ header: FITSHeader, skipping structural: (String) -> Bool) throws {
        for card in header.cards where !structural(card.keyword) {
            try writeCard(card)
        }
    }

    func writeCard(_ card: FITSCard) throws {
        let key = card.keyword
        let comment = card.comment
        switch (key, card.value) {
        case ("HISTORY", _):
            try call("write HISTORY") { ffphis(handle, comment, &$0) }
        case ("COMMENT", _), ("", _):
            try call("write COMMENT") { ffpcom(handle, comment, &$0) }
        case (_, nil):
            try call("write \(key)") { ffukyu(handle, key, comment, &$0) }
        case (_, .string(let s)?):
            try call("write \(key)") { ffukls(handle, key, s, comment, &$0) }
        case (_, .integer(let i)?):
            try call("write \(key)") { ffukyj(handle, key, Int64(i), comment, &$0) }
        case (_, .real(let d)?):
            if d.isFinite {
                try call("write \(key)") { ffukyd(handle, key, d, -15, comment, &$0) }
            } else {
                // FITS has no spelling for NaN/Inf values: keep the card, undefined.
                try call("write \(key)") { ffukyu(handle, key, comment, &$0) }
            }
        case (_, .logical(let b)?):
            try call("write \(key)") { ffukyl(handle, key, b ? 1 : 0, comment, &$0) }
        case (_, .raw(let r)?):
            let card = key.padding(8) + "= " + r
            try call("write \(key)") { ffprec(handle, card, &$0) }
        }
    }

    /// Interprets a card's value text as cfitsio classifies it.
    func parseValue(_ text: String, keyword: String) throws -> FITSValue? {
        if text.isEmpty { return nil }
        if text.hasPrefix("'") {
            var body = Substring(text.dropFirst())
            if body.hasSuffix("'") { body = body.dropLast() }
            var s = String(body.replacing("''", with: "'"))
            while s.hasSuffix(" ") { s.removeLast() }
            return .string(s)
        }
        if text == "T" { return .logical(true) }
        if text == "F" { return .logical(false) }
        if let i = Int(text) { return .integer(i) }
        if let d = Double(text.replacing("D", with: "E")) { return .real(d) }
        return .raw(text)
    }
}

extension StringProtocol {
    func padding(_ width: Int) -> String {
        let s = String(self)
        return s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

/// Keywords cfitsio writes itself for images; never copied from a caller's header.
func isStructuralImageKeyword(_ key: String) -> Bool {
    switch key {
    case "SIMPLE", "BITPIX", "NAXIS", "EXTEND", "XTENSION", "PCOUNT", "GCOUNT", "END",
         "CHECKSUM", "DATASUM", "BSCALE", "BZERO", "BLANK", "TFIELDS", "THEAP":
        return true
    default:
        return key.hasPrefix("NAXIS") && Int(key.dropFirst(5)) != nil
    }
}

/// Keywords the table writer owns: image structure plus per-column layout cards.
func isStructuralTableKeyword(_ key: String) -> Bool {
    if isStructuralImageKeyword(key) || key == "EXTNAME" { return true }
    for prefix in ["TTYPE", "TFORM", "TUNIT", "TNULL", "TSCAL", "TZERO", "TDIM", "TDISP"]
    where key.hasPrefix(prefix) && Int(key.dropFirst(prefix.count)) != nil {
        return true
    }
    return false
}
