import Foundation

/// An 8-bit PNG: RGB (colour type 2) or RGBA (colour type 6), one IDAT chunk of a zlib
/// stream made by `Deflate`, rows unfiltered.
public struct PNGImage: Sendable {
    public enum Format: Sendable { case rgb, rgba }
    public let width: Int
    public let height: Int
    public let format: Format
    /// Row-major samples, 3 or 4 per pixel.
    public let samples: [UInt8]

    public init(width: Int, height: Int, format: Format, samples: [UInt8]) {
        precondition(width > 0 && height > 0, "PNG of \(width) x \(height) pixels")
        precondition(samples.count == width * height * (format == .rgb ? 3 : 4), "sample count does not match the size")
        self.width = width
        self.height = height
        self.format = format
        self.samples = samples
    }

    /// The PNG file's bytes.
    public func encoded() -> [UInt8] {
        let channels = format == .rgb ? 3 : 4
        let rowBytes = width * channels
        var raw = [UInt8]()
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)               // filter type 0 (None)
            raw.append(contentsOf: samples[(y * rowBytes)..<((y + 1) * rowBytes)])
        }
        var header = [UInt8]()
        header += Self.bigEndian(UInt32(width))
        header += Self.bigEndian(UInt32(height))
        header += [8, format == .rgb ? 2 : 6, 0, 0, 0]   // depth, colour type, deflate, filter, no interlace
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        Self.chunk("IHDR", header, into: &out)
        Self.chunk("IDAT", Deflate.zlib(raw), into: &out)
        Self.chunk("IEND", [], into: &out)
        return out
    }

    /// Writes the file whole or not at all (a temporary beside it, renamed into place).
    public func write(to path: String) throws {
        do {
            try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AtomicWriteError(path: path, reason: error.localizedDescription)
        }
    }

    private static func chunk(_ type: String, _ data: [UInt8], into out: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        out += bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(Checksums.crc32(data, continuing: Checksums.crc32(typeBytes)))
    }

    private static func bigEndian(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }
}
