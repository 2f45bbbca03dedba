/// Two header conventions astropy repairs before wcslib sees them (Shupe et al. 2012,
/// section 7), recorded as fixes:
/// - a pre-2012 SCAMP header writes its TPV distortion (PVi_j with j >= 5) under plain
///   `-TAN`: the axes are read as `-TPV`, and any SIP cards are dropped;
/// - a `-TAN-SIP` header that also carries SCAMP's PVi_j (j >= 5): the SIP distortion is
///   kept and the PV cards dropped.
enum ScampConvention {
    static func normalise(_ cardImages: String) -> (String, [String]) {
        let bytes = Array(cardImages.utf8)
        var records: [String] = []
        var i = 0
        while i + 80 <= bytes.count {
            records.append(String(decoding: bytes[i..<i + 80], as: UTF8.self))
            i += 80
        }
        func key(_ r: String) -> String { String(r.prefix(8)).trimmingCharacters(in: Character(" ")) }
        func stringValue(_ r: String) -> String? {
            guard r.dropFirst(8).hasPrefix("= ") else { return nil }
            let parts = r.dropFirst(10).split(separator: "'", omittingEmptySubsequences: false)
            return parts.count >= 2 ? String(parts[1]).trimmingCharacters(in: Character(" ")).uppercased() : nil
        }
        var ctype: [Int: (index: Int, value: String)] = [:]
        var pvMax: [Int: Int] = [:]
        for (n, r) in records.enumerated() {
            let k = key(r)
            if k.hasPrefix("CTYPE"), let axis = Int(k.dropFirst(5)), let v = stringValue(r) { ctype[axis] = (n, v) }
            if k.hasPrefix("PV"), let underscore = k.firstIndex(of: "_"),
               let axis = Int(k[k.index(k.startIndex, offsetBy: 2)..<underscore]), let j = Int(k[k.index(after: underscore)...]) {
                pvMax[axis] = max(pvMax[axis] ?? 0, j)
            }
        }
        let tan = ctype.filter { $0.value.value.hasSuffix("-TAN") }.map(\.key)
        let tanSIP = ctype.filter { $0.value.value.hasSuffix("-TAN-SIP") }.map(\.key)
        let scamp = { (axes: [Int]) in axes.contains { (pvMax[$0] ?? 0) >= 5 } }
        if tan.count == 2, scamp(tan) {
            var out = records.filter { !isSIP(key($0)) }
            for axis in tan {
                guard let index = out.firstIndex(where: { key($0) == "CTYPE\(axis)" }) else { continue }
                out[index] = out[index].replacingOccurrences(of: "-TAN'", with: "-TPV'")
            }
            return (out.joined(), ["Removed redundant SIP distortion parameters because SCAMP's PV distortions are also present; CTYPE ...-TAN read as ...-TPV (pre-2012 SCAMP)"])
        }
        if tanSIP.count == 2, scamp(tanSIP) {
            let out = records.filter { r in
                let k = key(r)
                guard k.hasPrefix("PV"), let underscore = k.firstIndex(of: "_"),
                      let axis = Int(k[k.index(k.startIndex, offsetBy: 2)..<underscore]) else { return true }
                return !tanSIP.contains(axis)
            }
            return (out.joined(), ["Removed redundant SCAMP distortion parameters because SIP parameters are also present"])
        }
        return (cardImages, [])
    }

    /// A_p_q, B_p_q, AP_p_q, BP_p_q and the *_ORDER cards of SIP.
    static func isSIP(_ key: String) -> Bool {
        if ["A_ORDER", "B_ORDER", "AP_ORDER", "BP_ORDER", "A_DMAX", "B_DMAX"].contains(key) { return true }
        for prefix in ["A_", "B_", "AP_", "BP_"] where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count).split(separator: "_")
            if rest.count == 2, rest.allSatisfy({ Int($0) != nil }) { return true }
        }
        return false
    }
}
