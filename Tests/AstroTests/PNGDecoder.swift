import Foundation
import XCTest

/// An independent PNG decoder for the tests: Python's standard library (zlib, struct)
/// checks the signature, every chunk's CRC and the zlib stream's Adler-32, undoes the row
/// filters, and hands back the samples.
enum PNGDecoder {
    struct Decoded {
        var width: Int
        var height: Int
        /// 2 = RGB, 6 = RGBA.
        var colourType: Int
        var chunks: [String]
        var samples: [UInt8]
        var channels: Int { colourType == 6 ? 4 : 3 }

        /// (r, g, b) of the pixel at column x, row y.
        func rgb(_ x: Int, _ y: Int) -> [UInt8] {
            let i = (y * width + x) * channels
            return Array(samples[i..<(i + 3)])
        }
    }

    static let script = #"""
    import json, struct, sys, zlib
    data = open(sys.argv[1], 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
    pos, chunks, idat, ihdr = 8, [], b'', None
    while pos < len(data):
        length, = struct.unpack('>I', data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in ' + kind.decode()
        chunks.append(kind.decode())
        if kind == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
        if kind == b'IDAT': idat += body
        pos += 12 + length
    assert chunks[0] == 'IHDR' and chunks[-1] == 'IEND', chunks
    w, h, depth, ctype, comp, filt, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and comp == 0 and filt == 0 and interlace == 0, ihdr
    raw = zlib.decompress(idat)
    bpp = 3 if ctype == 2 else 4
    stride = w * bpp
    assert len(raw) == h * (stride + 1), (len(raw), h, stride)
    out, prev = bytearray(), bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in (range(stride) if f else ()):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1: row[i] = (row[i] + a) & 255
            elif f == 2: row[i] = (row[i] + b) & 255
            elif f == 3: row[i] = (row[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else: assert f == 0, 'filter %d' % f
        out += row
        prev = row
    open(sys.argv[2], 'wb').write(out)
    print(json.dumps({'width': w, 'height': h, 'colourType': ctype, 'chunks': chunks}))
    """#

    static func decode(_ path: String) throws -> Decoded {
        let samplesPath = path + ".samples"
        defer { try? FileManager.default.removeItem(atPath: samplesPath) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path, samplesPath]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw DecodeFailure(message: "python3 rejects \(path): " + String(decoding: stderr, as: UTF8.self))
        }
        struct Header: Decodable { var width: Int; var height: Int; var colourType: Int; var chunks: [String] }
        let h = try JSONDecoder().decode(Header.self, from: stdout)
        let samples = [UInt8](try Data(contentsOf: URL(fileURLWithPath: samplesPath)))
        return Decoded(width: h.width, height: h.height, colourType: h.colourType, chunks: h.chunks, samples: samples)
    }

    struct DecodeFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
