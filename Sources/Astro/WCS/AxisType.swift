import Foundation

/// A CTYPEi value split the FITS way: a coordinate type padded with '-' to four
/// characters, '-', a three-letter algorithm code, and perhaps "-XXX" more
/// (a distortion): "RA---SIN" is ("RA", "SIN"), "RA---TAN-SIP" adds "SIP".
/// Linear types such as "FREQ" and "STOKES" have no code.
struct AxisType: Sendable, Equatable {
    /// 1-based FITS axis number i of CTYPEi.
    let axis: Int
    let ctype: String
    let coordinate: String
    let code: String?
    let suffix: String?

    var keyword: String { "CTYPE\(axis)" }

    init(axis: Int, ctype raw: String) {
        self.axis = axis
        let ctype = raw.trimmingCharacters(in: .whitespaces).uppercased()
        self.ctype = ctype
        let chars = Array(ctype)
        if chars.count >= 8, chars[4] == "-" {
            coordinate = String(chars[0..<4]).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
            code = String(chars[5..<8])
            let rest = String(chars[8...])
            suffix = rest.isEmpty ? nil : String(rest.drop { $0 == "-" })
        } else {
            coordinate = ctype
            code = nil
            suffix = nil
        }
    }

    /// Every CTYPEi card of the header, in axis order.
    static func all(in header: FITSHeader) -> [AxisType] {
        var types: [AxisType] = []
        for card in header.cards where card.keyword.hasPrefix("CTYPE") {
            guard let axis = Int(card.keyword.dropFirst(5)), axis > 0,
                  let value = card.value?.string,
                  !types.contains(where: { $0.axis == axis }) else { continue }
            types.append(AxisType(axis: axis, ctype: value))
        }
        return types.sorted { $0.axis < $1.axis }
    }
}
