@testable import Rules

/// Breaks valid Arrakisfiles in the ways people and tools do: lost and repeated bytes and
/// tokens, stray punctuation, truncation, bytes that are not UTF-8, and absurd nesting.
struct ArrakisfileMutator {
    var random: SplitMix64

    enum Mutation: CaseIterable {
        case deleteBytes, insertByte, duplicateBytes, swapBytes
        case deleteToken, duplicateToken, swapTokens, insertKeyword
        case insertPunctuation, insertNewline, truncate, insertInvalidUTF8, deepNesting
    }

    /// Characters with a meaning in the grammar or in templates.
    static let punctuation = Array("{}[]()\"\\:=,#;.".utf8)
    static let keywords = Keywords.topLevel + Keywords.product + Keywords.functions
        + Keywords.pathAttributes + Keywords.shellFields + ["in", "true", "false"]
    /// Not UTF-8: a stray continuation byte, an overlong '/', a surrogate, a cut sequence,
    /// bytes never used, and a value above U+10FFFF.
    static let invalidUTF8: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82],
                                         [0xFF], [0xFE], [0xF4, 0x90, 0x80, 0x80]]
    /// Openers to nest thousands deep.
    static let openers: [[UInt8]] = [Array("[".utf8), Array("(".utf8), Array("{".utf8),
                                     Array("f(".utf8), Array("a[".utf8), Array("\"{".utf8)]

    /// `text` with one to three random mutations.
    mutating func mutate(_ text: [UInt8]) -> [UInt8] {
        var bytes = text
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            bytes = apply(Mutation.allCases.randomElement(using: &random)!, to: bytes)
        }
        return bytes
    }

    mutating func apply(_ mutation: Mutation, to bytes: [UInt8]) -> [UInt8] {
        var out = bytes
        switch mutation {
        case .deleteBytes:
            guard let range = randomRange(in: out.count, maxLength: 8) else { return out }
            out.removeSubrange(range)
        case .insertByte:
            out.insert(UInt8.random(in: 0...255, using: &random), at: position(in: out))
        case .duplicateBytes:
            guard let range = randomRange(in: out.count, maxLength: 16) else { return out }
            out.insert(contentsOf: out[range], at: position(in: out))
        case .swapBytes:
            guard out.count >= 2 else { return out }
            out.swapAt(Int.random(in: 0..<out.count, using: &random), Int.random(in: 0..<out.count, using: &random))
        case .deleteToken:
            var tokens = Self.tokens(out)
            guard !tokens.isEmpty else { return out }
            tokens.remove(at: Int.random(in: 0..<tokens.count, using: &random))
            out = Array(tokens.joined())
        case .duplicateToken:
            var tokens = Self.tokens(out)
            guard let token = tokens.randomElement(using: &random) else { return out }
            tokens.insert(token, at: Int.random(in: 0...tokens.count, using: &random))
            out = Array(tokens.joined())
        case .swapTokens:
            var tokens = Self.tokens(out)
            guard tokens.count >= 2 else { return out }
            tokens.swapAt(Int.random(in: 0..<tokens.count, using: &random), Int.random(in: 0..<tokens.count, using: &random))
            out = Array(tokens.joined())
        case .insertKeyword:
            let word = Self.keywords.randomElement(using: &random)!
            out.insert(contentsOf: Array((" " + word + " ").utf8), at: position(in: out))
        case .insertPunctuation:
            out.insert(Self.punctuation.randomElement(using: &random)!, at: position(in: out))
        case .insertNewline:
            out.insert(UInt8(ascii: "\n"), at: position(in: out))
        case .truncate:
            out.removeSubrange(position(in: out)...)
        case .insertInvalidUTF8:
            out.insert(contentsOf: Self.invalidUTF8.randomElement(using: &random)!, at: position(in: out))
        case .deepNesting:
            let opener = Self.openers.randomElement(using: &random)!
            let depth = [10, 199, 200, 201, 1000, 10_000].randomElement(using: &random)!
            out.insert(contentsOf: Array(repeatElement(opener, count: depth).joined()), at: position(in: out))
        }
        return out
    }

    /// A position from 0 to `bytes.count`, both ends included.
    private mutating func position(in bytes: [UInt8]) -> Int {
        Int.random(in: 0...bytes.count, using: &random)
    }

    private mutating func randomRange(in count: Int, maxLength: Int) -> Range<Int>? {
        guard count > 0 else { return nil }
        let start = Int.random(in: 0..<count, using: &random)
        let length = Int.random(in: 1...maxLength, using: &random)
        return start..<min(count, start + length)
    }

    /// A rough split into words, strings, single punctuation bytes and runs of blanks;
    /// joining the pieces gives back the input.
    static func tokens(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        func isWord(_ b: UInt8) -> Bool {
            Lexer.isIdentifierContinue(b) || b == UInt8(ascii: ".") || b >= 0x80
        }
        func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
        var tokens: [ArraySlice<UInt8>] = []
        var i = 0
        while i < bytes.count {
            let start = i
            let b = bytes[i]
            i += 1
            if b == UInt8(ascii: "\"") {
                while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\n") { i += 1 }
                if i < bytes.count, bytes[i] == UInt8(ascii: "\"") { i += 1 }
            } else if isWord(b) {
                while i < bytes.count, isWord(bytes[i]) { i += 1 }
            } else if isBlank(b) {
                while i < bytes.count, isBlank(bytes[i]) { i += 1 }
            }
            tokens.append(bytes[start..<i])
        }
        return tokens
    }
}
