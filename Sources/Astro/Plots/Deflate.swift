/// A small zlib (RFC 1950) encoder: one deflate (RFC 1951) block with the fixed Huffman
/// codes and greedy LZ77 matching (one candidate per 3-byte hash, 32 KiB window). Plots are
/// mostly flat colour, which this compresses well; no dictionary, no dynamic trees.
enum Deflate {
    static func zlib(_ data: [UInt8]) -> [UInt8] {
        var w = BitWriter()
        w.bytes = [0x78, 0x01]          // deflate, 32K window; FCHECK makes 0x7801 % 31 == 0
        w.write(1, bits: 1)             // BFINAL
        w.write(1, bits: 2)             // BTYPE 01: fixed Huffman codes
        let n = data.count
        var head = [Int32](repeating: -1, count: 1 << 15)
        var i = 0
        while i < n {
            var bestLength = 0, bestDistance = 0
            if i + 3 <= n {
                let h = hash(data[i], data[i + 1], data[i + 2])
                let candidate = Int(head[h])
                head[h] = Int32(i)
                if candidate >= 0, i - candidate <= 32768 {
                    var l = 0
                    let limit = min(258, n - i)
                    while l < limit, data[candidate + l] == data[i + l] { l += 1 }
                    if l >= 3 { bestLength = l; bestDistance = i - candidate }
                }
            }
            if bestLength >= 3 {
                writeLength(bestLength, &w)
                writeDistance(bestDistance, &w)
                // Index the positions the match covers (cheaply: every one).
                var k = i + 1
                let end = min(i + bestLength, n - 2)
                while k < end { head[hash(data[k], data[k + 1], data[k + 2])] = Int32(k); k += 1 }
                i += bestLength
            } else {
                writeLiteral(Int(data[i]), &w)
                i += 1
            }
        }
        writeLiteral(256, &w)           // end of block
        w.flush()
        let adler = Checksums.adler32(data)
        w.bytes += [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
        return w.bytes
    }

    private static func hash(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> Int {
        let v = (UInt32(a) << 16) | (UInt32(b) << 8) | UInt32(c)
        return Int((v &* 2_654_435_761) >> 17) & 0x7FFF
    }

    /// Fixed Huffman code of a literal/length symbol (RFC 1951 3.2.6), sent MSB first.
    private static func writeLiteral(_ symbol: Int, _ w: inout BitWriter) {
        switch symbol {
        case 0...143: w.writeCode(0x30 + symbol, bits: 8)
        case 144...255: w.writeCode(0x190 + symbol - 144, bits: 9)
        case 256...279: w.writeCode(symbol - 256, bits: 7)
        default: w.writeCode(0xC0 + symbol - 280, bits: 8)
        }
    }

    private static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                     67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
                                       1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10,
                                        11, 11, 12, 12, 13, 13]

    private static func writeLength(_ length: Int, _ w: inout BitWriter) {
        var k = lengthBase.count - 1
        while lengthBase[k] > length { k -= 1 }
        writeLiteral(257 + k, &w)
        if lengthExtra[k] > 0 { w.write(UInt32(length - lengthBase[k]), bits: lengthExtra[k]) }
    }

    private static func writeDistance(_ distance: Int, _ w: inout BitWriter) {
        var k = distanceBase.count - 1
        while distanceBase[k] > distance { k -= 1 }
        w.writeCode(k, bits: 5)
        if distanceExtra[k] > 0 { w.write(UInt32(distance - distanceBase[k]), bits: distanceExtra[k]) }
    }
}

/// Bits packed least significant first, as deflate stores them.
private struct BitWriter {
    var bytes: [UInt8] = []
    private var buffer: UInt32 = 0
    private var count = 0

    mutating func write(_ value: UInt32, bits: Int) {
        buffer |= value << UInt32(count)
        count += bits
        while count >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            count -= 8
        }
    }

    /// A Huffman code: its bits go out most significant first.
    mutating func writeCode(_ code: Int, bits: Int) {
        var reversed: UInt32 = 0
        for k in 0..<bits where (code >> k) & 1 == 1 { reversed |= 1 << UInt32(bits - 1 - k) }
        write(reversed, bits: bits)
    }

    mutating func flush() {
        if count > 0 { bytes.append(UInt8(buffer & 0xFF)) }
        buffer = 0
        count = 0
    }
}
