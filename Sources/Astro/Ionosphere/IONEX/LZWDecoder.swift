import Foundation

/// Why compressed bytes could not be expanded (LZW or gzip): what is wrong, and where.
struct DecompressionError: Error, CustomStringConvertible, Equatable {
    var description: String
}

/// Decoder for Unix `compress` files (.Z): LZW with 9- to 16-bit codes, as the CODE analysis
/// centre still publishes its ionosphere maps.
///
/// The stream: bytes 1F 9D, a flags byte (low 5 bits: the largest code width, 9...16; bit 7:
/// "block mode", where code 256 clears the table), then codes packed least significant bit
/// first. Codes start 9 bits wide and grow by one bit when the table fills their range.
/// `compress` writes codes in groups of eight, so a group always takes `width` whole bytes; when
/// the width changes (or the table is cleared) the rest of the current group is padding, which
/// the decoder must skip: it realigns to the next group boundary counted from where the current
/// width began.
enum LZWDecoder {
    /// Expanded bytes of a whole .Z file. `limit` bounds the output (a damaged stream can
    /// describe gigabytes).
    static func decompress(_ input: [UInt8], limit: Int = 1 << 29) throws(DecompressionError) -> [UInt8] {
        guard input.count >= 3, input[0] == 0x1F, input[1] == 0x9D else {
            throw DecompressionError(description: "not Unix compress data (no 1F 9D magic)")
        }
        let flags = input[2]
        let maxBits = Int(flags & 0x1F)
        guard (9...16).contains(maxBits) else {
            throw DecompressionError(description: "LZW header asks for \(maxBits)-bit codes (9 to 16 are possible)")
        }
        let blockMode = flags & 0x80 != 0
        let tableSize = 1 << maxBits
        let clearCode = 256

        var capacity = max(1 << 16, min(limit, input.count * 8))
        var output = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { output.deallocate() }
        var count = 0

        /// Room for `extra` more bytes in `output`, within `limit`.
        func reserve(_ extra: Int) throws(DecompressionError) {
            guard count + extra > capacity else { return }
            guard count + extra <= limit else {
                throw DecompressionError(description: "LZW data expands beyond \(limit / (1 << 20)) MiB; not an IONEX file")
            }
            capacity = min(limit, max(capacity * 2, count + extra))
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
            larger.moveInitialize(from: output, count: count)
            output.deallocate()
            output = larger
        }

        // The table. Every entry's string (a string already decoded plus the first byte of the
        // one after it) is somewhere in the output already: entry e is the `length[e]` bytes at
        // `offset[e]`, so decoding a code is one copy rather than a walk along a chain of entries.
        let offset = UnsafeMutablePointer<Int>.allocate(capacity: tableSize)
        let length = UnsafeMutablePointer<Int>.allocate(capacity: tableSize)
        defer { offset.deallocate(); length.deallocate() }
        for code in 0..<256 { length[code] = 1 }

        let totalBits = input.count * 8
        var bitPosition = 24
        var segmentStart = 24
        var width = 9
        var maxCode = (1 << 9) - 1
        var nextEntry = blockMode ? 257 : 256
        var previous = -1
        var previousStart = 0

        /// `position` moved on to the next boundary of a group of eight `width`-bit codes,
        /// counted from `segmentStart`.
        func aligned(_ position: Int, width: Int) -> Int {
            let group = width * 8
            let used = position - segmentStart
            return segmentStart + (used + group - 1) / group * group
        }

        try input.withUnsafeBufferPointer { (bytes) throws(DecompressionError) in
            while true {
                if nextEntry > maxCode && width < maxBits {
                    bitPosition = aligned(bitPosition, width: width)
                    segmentStart = bitPosition
                    width += 1
                    maxCode = width == maxBits ? tableSize : (1 << width) - 1
                }
                // Fewer bits left than a code: the end (the last byte's padding).
                guard bitPosition + width <= totalBits else { break }
                let byteIndex = bitPosition >> 3
                var word = Int(bytes[byteIndex])
                if byteIndex + 1 < bytes.count { word |= Int(bytes[byteIndex + 1]) << 8 }
                if byteIndex + 2 < bytes.count { word |= Int(bytes[byteIndex + 2]) << 16 }
                let code = (word >> (bitPosition & 7)) & ((1 << width) - 1)
                let codeOffset = bitPosition
                bitPosition += width

                if blockMode && code == clearCode && previous >= 0 {
                    bitPosition = aligned(bitPosition, width: width)
                    segmentStart = bitPosition
                    width = 9
                    maxCode = (1 << 9) - 1
                    nextEntry = 257
                    previous = -1
                    continue
                }
                let start = count
                if code < 256 {
                    try reserve(1)
                    output[count] = UInt8(code)
                    count += 1
                } else if previous < 0 {
                    // The first code of the stream, or after a clear, is a literal byte.
                    throw DecompressionError(description: "corrupt LZW data: code \(code) at byte "
                        + "\(codeOffset / 8) where a literal byte (below 256) must come")
                } else if code < nextEntry {
                    let size = length[code]
                    try reserve(size)
                    memcpy(output + count, output + offset[code], size)
                    count += size
                } else {
                    // Only the entry about to be defined may be used early (the "KwKwK" case:
                    // the previous string followed by its own first byte).
                    guard code == nextEntry else {
                        throw DecompressionError(description: "corrupt LZW data: code \(code) at byte "
                            + "\(codeOffset / 8) is beyond the \(nextEntry) table entries defined so far")
                    }
                    let size = length[previous]
                    try reserve(size + 1)
                    memcpy(output + count, output + previousStart, size)
                    output[count + size] = output[previousStart]
                    count += size + 1
                }
                if previous >= 0 && nextEntry < tableSize {
                    offset[nextEntry] = previousStart
                    length[nextEntry] = length[previous] + 1
                    nextEntry += 1
                }
                previous = code
                previousStart = start
            }
        }
        return Array(UnsafeBufferPointer(start: output, count: count))
    }
}
