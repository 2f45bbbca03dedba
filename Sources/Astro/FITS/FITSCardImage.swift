/// A header as FITS card images: 80-character records, as written in a file. wcslib reads
/// a header this way. Values keep their full precision (a real is written with the
/// shortest text that reads back as the same double).
extension FITSHeader {
    /// The cards as 80-character records, without END. Cards that cannot be written as one
    /// record (keywords over 8 characters, a NaN or infinite value) are left out.
    public var cardImages: String {
        var out = ""
        out.reserveCapacity(cards.count * 80)
        for card in cards {
            guard let image = FITSCardImage.record(card) else { continue }
            out += image
        }
        return out
    }
}

enum FITSCardImage {
    static func record(_ card: FITSCard) -> String? {
        let key = card.keyword
        guard key.count <= 8, key.utf8.allSatisfy({ $0 >= 32 && $0 < 127 }) else { return nil }
        var text: String
        if card.isCommentary || card.value == nil {
            text = key.padding(8) + (card.isCommentary ? "" : "= ") + card.comment
        } else {
            guard let value = valueText(card.value!) else { return nil }
            text = key.padding(8) + "= " + value
            if !card.comment.isEmpty { text += " / " + card.comment }
        }
        let printable = String(text.unicodeScalars.map { $0.value >= 32 && $0.value < 127 ? Character($0) : " " })
        return String(printable.prefix(80)).padding(80)
    }

    static func valueText(_ value: FITSValue) -> String? {
        switch value {
        case .string(let s):
            // One card holds 68 characters of string: a longer one (a CONTINUE'd note) is cut,
            // never left without its closing quote (WCS values are short).
            var body = ""
            for c in s {
                let piece = c == "'" ? "''" : String(c)
                if body.count + piece.count > 68 { break }
                body += piece
            }
            return "'" + body.padding(8) + "'"
        case .integer(let i):
            return String(repeating: " ", count: max(0, 20 - String(i).count)) + String(i)
        case .real(let d):
            guard d.isFinite else { return nil }
            var t = "\(d)".uppercased()   // shortest round-trip text; FITS wants 'E'
            if !t.contains(".") && !t.contains("E") { t += "." }
            return String(repeating: " ", count: max(0, 20 - t.count)) + t
        case .logical(let b):
            return String(repeating: " ", count: 19) + (b ? "T" : "F")
        case .raw(let r):
            return r
        }
    }
}
