import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Musl)
import Musl
private let systemRead = Musl.read
#else
import Darwin
private let systemRead = Darwin.read
#endif

/// The TEC maps of one IONEX file (IONEX 1.0 / 1.1, single-shell "2-D" maps): the epochs, the
/// latitude/longitude grid, the shell height and every TEC value in TECU.
///
/// RMS and height maps in the file are skipped. Values the file marks as missing (9999) are NaN.
public struct IONEXMaps: Sendable {
    /// The file the maps came from (or the name given to `init(text:path:)`), for messages.
    public let path: String
    /// Each TEC map's epoch (EPOCH OF CURRENT MAP), MJD seconds UTC, strictly increasing.
    public let epochs: [Double]
    /// Grid latitudes, degrees, in the file's order (LAT1 to LAT2; CODE and IGS: 87.5 ... -87.5).
    public let latitudes: [Double]
    /// Grid longitudes, degrees, in the file's order (LON1 to LON2; CODE and IGS: -180 ... 180).
    public let longitudes: [Double]
    /// Height of the single-layer shell (HGT1), km.
    public let shellHeight: Double
    /// TEC of each map in TECU (the file's integers times 10^EXPONENT), latitude-major:
    /// `tec[map][latitudeIndex * longitudes.count + longitudeIndex]`; NaN where the file has 9999.
    public let tec: [[Float]]

    /// The grid as the file states it: value at index k is first + k * step.
    let latitudeFirst: Double, latitudeStep: Double
    let longitudeFirst: Double, longitudeStep: Double
    /// When the longitudes go once round the globe: the number of distinct meridians (360 / |DLON|).
    /// The grid may or may not repeat the first meridian at the end (-180 ... 180 does).
    let longitudePeriod: Int?
    /// Whether latitudes beyond the first / last row may take that row's values: only when the
    /// row is within one grid step of its pole (a global grid stopping short of the pole).
    let firstRowReachesPole: Bool, lastRowReachesPole: Bool

    init(path: String, epochs: [Double], latitudeFirst: Double, latitudeStep: Double, latitudeCount: Int,
         longitudeFirst: Double, longitudeStep: Double, longitudeCount: Int, shellHeight: Double, tec: [[Float]]) {
        self.path = path
        self.epochs = epochs
        self.latitudeFirst = latitudeFirst
        self.latitudeStep = latitudeStep
        self.longitudeFirst = longitudeFirst
        self.longitudeStep = longitudeStep
        self.latitudes = (0..<latitudeCount).map { latitudeFirst + Double($0) * latitudeStep }
        self.longitudes = (0..<longitudeCount).map { longitudeFirst + Double($0) * longitudeStep }
        self.shellHeight = shellHeight
        self.tec = tec
        let meridians = 360 / abs(longitudeStep)
        let period = Int(meridians.rounded())
        if abs(meridians - Double(period)) < 1e-6 && (longitudeCount == period || longitudeCount == period + 1) {
            longitudePeriod = period
        } else {
            longitudePeriod = nil
        }
        let reach = abs(latitudeStep) + 1e-9
        firstRowReachesPole = 90 - abs(latitudes[0]) <= reach
        lastRowReachesPole = 90 - abs(latitudes[latitudeCount - 1]) <= reach
    }

    /// The maps of the IONEX file at `path`: plain text, Unix `compress` (.Z) or gzip (.gz),
    /// told apart by their first bytes whatever the file is called.
    public static func read(path: String) throws -> IONEXMaps {
        let bytes = try readBytes(path: path)
        let text: [UInt8]
        if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x9D {
            do { text = try LZWDecoder.decompress(bytes) } catch {
                throw IONEXError(file: path, message: "cannot expand Unix compress (.Z) data: \(error)")
            }
        } else if bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B {
            do { text = try GzipDecoder.decompress(bytes) } catch {
                throw IONEXError(file: path, message: "cannot expand gzip (.gz) data: \(error)")
            }
        } else {
            text = bytes
        }
        return try text.withUnsafeBufferPointer { buffer throws(IONEXError) in
            try IONEXParser(path: path).parse(buffer)
        }
    }

    /// The maps of IONEX text; `path` names it in messages.
    public init(text: String, path: String) throws {
        var text = text
        self = try text.withUTF8 { buffer throws(IONEXError) in
            try IONEXParser(path: path).parse(buffer)
        }
    }

    /// First ... last map epoch, MJD seconds UTC.
    public var span: ClosedRange<Double> { epochs[0]...epochs[epochs.count - 1] }

    /// TEC of map `map` at grid indices (as stored; NaN where the file has no value).
    public func value(map: Int, latitudeIndex: Int, longitudeIndex: Int) -> Double {
        Double(tec[map][latitudeIndex * longitudes.count + longitudeIndex])
    }

    /// The whole file, read with POSIX calls so a failure says why (errno).
    static func readBytes(path: String) throws(IONEXError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw IONEXError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw IONEXError(file: path, message: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw IONEXError(file: path, message: "not a regular file")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: max(4096, filled))) }
            let got = bytes.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0 {
                if errno == EINTR { continue }
                throw IONEXError(file: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            filled += got
        }
        bytes.removeSubrange(filled...)
        return bytes
    }
}
