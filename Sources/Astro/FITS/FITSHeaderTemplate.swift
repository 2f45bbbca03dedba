import CFITSIO

/// The raw bytes of a FITS header (80-byte cards, END, blank padding to 2880) in which a
/// few single-line cards are rewritten in place: many files sharing one header but for
/// those cards (the cutouts of one cube: NAXIS1/2, CRPIX1/2, OBJECT) are rendered once by
/// cfitsio and then only patched, byte for byte as cfitsio would have written them.
///
/// A card is re-rendered with cfitsio's own value formatting (`ffi2c`, `ffd2e` with 15
/// significant digits as `FITSFile` writes reals, `ffs2c`) and card layout (`ffmkky`),
/// keeping the comment it had. Only values that fit one card are accepted: `set` returns
/// false otherwise (a string longer than 60 characters, non-ASCII text, a non-finite
/// real), and the caller must then write the header through cfitsio.
struct FITSHeaderTemplate {
    /// The whole header, END card and padding included; a multiple of 2880 bytes.
    private(set) var bytes: [UInt8]
    /// Byte offset of each patchable card and its comment.
    private var slots: [String: (offset: Int, comment: [CChar])] = [:]

    /// Parses the header at the start of `file` (the bytes up to its END card, padded) and
    /// finds the first valued card of each of `keywords`. Nil when there is no END, a
    /// keyword has no card, or a card is followed by CONTINUE (a long string).
    init?(file: [UInt8], keywords: [String]) {
        var end: Int?
        var offset = 0
        while offset + 80 <= file.count {
            if file[offset..<offset + 8].elementsEqual("END     ".utf8) { end = offset; break }
            offset += 80
        }
        guard let end else { return nil }
        let length = (end + 80 + 2879) / 2880 * 2880
        guard length <= file.count else { return nil }
        bytes = Array(file[0..<length])
        for key in keywords {
            let field = Array(key.utf8) + [UInt8](repeating: 0x20, count: max(0, 8 - key.utf8.count))
            guard field.count == 8 else { return nil }
            var found: Int?
            var at = 0
            while at < end {
                if bytes[at..<at + 8].elementsEqual(field) && bytes[at + 8] == UInt8(ascii: "=") { found = at; break }
                at += 80
            }
            guard let found else { return nil }
            if found + 80 < end, bytes[found + 80..<found + 88].elementsEqual("CONTINUE".utf8) { return nil }
            var card = bytes[found..<found + 80].map { CChar(bitPattern: $0) } + [0]
            var value = [CChar](repeating: 0, count: Int(FLEN_VALUE))
            var comment = [CChar](repeating: 0, count: Int(FLEN_COMMENT))
            var status: Int32 = 0
            guard ffpsvc(&card, &value, &comment, &status) == 0 else { return nil }
            slots[key] = (found, comment)
        }
    }

    /// Header bytes in a whole number of 2880-byte blocks.
    var count: Int { bytes.count }

    /// Rewrites the card of `keyword` (one given to `init`) with `value`, keeping its
    /// comment. False when the value cannot be one card as cfitsio writes it.
    mutating func set(_ keyword: String, _ value: FITSValue) -> Bool {
        guard let slot = slots[keyword] else { return false }
        var text = [CChar](repeating: 0, count: Int(FLEN_VALUE))
        var status: Int32 = 0
        switch value {
        case .integer(let i):
            ffi2c(Int64(i), &text, &status)
        case .real(let d):
            guard d.isFinite else { return false }
            ffd2e(d, -15, &text, &status)
        case .string(let s):
            guard s.utf8.count <= 60, s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return false }
            ffs2c(s, &text, &status)
        default:
            return false
        }
        var card = [CChar](repeating: 0, count: Int(FLEN_CARD))
        var comment = slot.comment
        guard status == 0, ffmkky(keyword, &text, &comment, &card, &status) == 0 else { return false }
        let length = card.firstIndex(of: 0) ?? card.count
        guard length <= 80 else { return false }
        for k in 0..<80 { bytes[slot.offset + k] = k < length ? UInt8(bitPattern: card[k]) : 0x20 }
        return true
    }
}
