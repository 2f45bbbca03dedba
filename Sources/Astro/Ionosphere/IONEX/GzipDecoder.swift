import CZlib

/// Expands gzip files (the IGS's long-named IONEX files, .gz) with zlib: every member of a
/// multi-member file in turn, each member's CRC-32 and length checked by zlib.
enum GzipDecoder {
    /// Expanded bytes of a whole .gz file. Zero bytes after the last member (tape-block padding)
    /// are ignored; other trailing bytes are an error. `limit` bounds the output.
    static func decompress(_ input: [UInt8], limit: Int = 1 << 29) throws(DecompressionError) -> [UInt8] {
        guard input.count >= 2, input[0] == 0x1F, input[1] == 0x8B else {
            throw DecompressionError(description: "not gzip data (no 1F 8B magic)")
        }
        var output: [UInt8] = []
        output.reserveCapacity(min(limit, input.count * 6))
        var start = 0
        var member = 1
        while start < input.count {
            if member > 1 {
                let rest = input[start...]
                if rest.allSatisfy({ $0 == 0 }) { break }
                guard rest.count >= 2, rest[start] == 0x1F, rest[start + 1] == 0x8B else {
                    throw DecompressionError(description: "\(rest.count) bytes of trailing data after gzip member "
                        + "\(member - 1) (at byte \(start)) are not another gzip member")
                }
            }
            start += try inflateMember(input, from: start, member: member, into: &output, limit: limit)
            member += 1
        }
        return output
    }

    /// Inflates the gzip member starting at `from`, appending to `output`; returns the bytes it took.
    private static func inflateMember(_ input: [UInt8], from: Int, member: Int, into output: inout [UInt8],
                                      limit: Int) throws(DecompressionError) -> Int {
        var stream = z_stream()
        guard arrakis_inflate_init_gzip(&stream) == Z_OK else {
            throw DecompressionError(description: "zlib could not start inflating (out of memory?)")
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 18
        var buffer = [UInt8](repeating: 0, count: chunk)
        let available = input.count - from
        return try input.withUnsafeBufferPointer { (bytes) throws(DecompressionError) -> Int in
            stream.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress! + from)
            stream.avail_in = UInt32(clamping: available)
            while true {
                let status = buffer.withUnsafeMutableBufferPointer { out -> Int32 in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(out.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk - Int(stream.avail_out)
                guard output.count + produced <= limit else {
                    throw DecompressionError(description: "gzip data expands beyond \(limit / (1 << 20)) MiB; not an IONEX file")
                }
                output.append(contentsOf: buffer[0..<produced])
                let consumed = Int(stream.total_in)
                switch status {
                case Z_STREAM_END:
                    return consumed
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw DecompressionError(description: "gzip data ends early: member \(member) is cut off after "
                        + "\(consumed) compressed bytes (a truncated download?)")
                case Z_BUF_ERROR where produced > 0:
                    continue
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                    throw DecompressionError(description: "corrupt gzip data in member \(member), near compressed byte "
                        + "\(from + consumed): \(reason)")
                }
            }
        }
    }
}
