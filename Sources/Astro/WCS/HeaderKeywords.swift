import Foundation

/// Keyword look-ups shared by the WCS types.
extension FITSHeader {
    func requiredDouble(_ keyword: String) throws -> Double {
        guard let value = self[keyword] else { throw WCSError.missingKeyword(keyword) }
        guard let number = value.double, number.isFinite else {
            throw WCSError.invalid(keyword: keyword, value: value.description, reason: "not a number")
        }
        return number
    }

    func optionalDouble(_ keyword: String) throws -> Double? {
        guard let value = self[keyword] else { return nil }
        guard let number = value.double, number.isFinite else {
            throw WCSError.invalid(keyword: keyword, value: value.description, reason: "not a number")
        }
        return number
    }

    /// CUNITi, trimmed, or nil when absent or blank.
    func unit(axis: Int) -> String? {
        let unit = string("CUNIT\(axis)")?.trimmingCharacters(in: .whitespaces)
        return unit?.isEmpty == false ? unit : nil
    }

    /// The numeric `PREFIXi_j` cards (PC, CD, PV) as (i, j, value), e.g. PC1_2.
    func indexedCards(_ prefix: String) throws -> [(i: Int, j: Int, value: Double)] {
        var found: [(i: Int, j: Int, value: Double)] = []
        for card in cards where card.keyword.hasPrefix(prefix) {
            let parts = card.keyword.dropFirst(prefix.count).split(separator: "_", omittingEmptySubsequences: false)
            guard parts.count == 2, let i = Int(parts[0]), let j = Int(parts[1]),
                  parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                  !found.contains(where: { $0.i == i && $0.j == j }) else { continue }
            guard let value = try optionalDouble(card.keyword) else { continue }
            found.append((i, j, value))
        }
        return found
    }
}
