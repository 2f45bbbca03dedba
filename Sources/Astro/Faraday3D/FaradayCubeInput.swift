import Synchronization
/// A Stokes cube opened for 3-D RM synthesis: two sky axes first, one frequency axis, any
/// other axis of length 1 (a degenerate Stokes axis), as RM-Tools' `readFitsCube` accepts.
public final class FaradayCubeInput {
    public let path: String
    public let file: FITSFile
    public let header: FITSHeader
    /// NAXIS1, NAXIS2, ...
    public let shape: [Int]
    /// The 1-based frequency axis: the last axis whose CTYPE contains FREQ, or (when
    /// `frequencyAxisRequired` is false and there is none) the last axis.
    public let frequencyAxis: Int
    /// True when the frequency axis was found by its CTYPE.
    public let hasFrequencyCType: Bool

    /// - Parameter axisType: what the spectral axis's CTYPE contains: FREQ for Stokes cubes,
    ///   FDEP for rmsynth3d's Faraday depth cubes (which must have it).
    public init(path: String, frequencyAxisRequired: Bool, axisType: String = "FREQ") throws {
        self.path = path
        file = try FITSFile.open(path)
        header = try file.readHeader()
        shape = try file.imageShape()
        guard shape.count >= 3 else {
            throw FaradayCubeError.badAxes(path: path, message: "\(shape.count) axes (\(FaradayCubeError.text(shape))); a cube needs 3 (x, y, frequency), or 4 with a Stokes axis of length 1")
        }
        guard shape.count <= 4 else {
            throw FaradayCubeError.badAxes(path: path, message: "\(shape.count) axes; at most 4 (x, y, frequency, Stokes) are read")
        }
        var found: Int? = nil
        for a in 1...shape.count where (header.string("CTYPE\(a)") ?? "").uppercased().contains(axisType) { found = a }
        if found == nil && frequencyAxisRequired {
            throw axisType == "FREQ" ? FaradayCubeError.noFrequencyAxis(path: path)
                : FaradayCubeError.badAxes(path: path, message: "no Faraday depth axis (no CTYPEn containing \(axisType)): not an rmsynth3d FDF or RMSF cube")
        }
        hasFrequencyCType = found != nil
        frequencyAxis = found ?? shape.count
        guard frequencyAxis >= 3 else {
            throw FaradayCubeError.badAxes(path: path, message: "the frequency axis is axis \(frequencyAxis); axes 1 and 2 must be the sky axes")
        }
        for a in 3...shape.count where a != frequencyAxis && shape[a - 1] != 1 {
            throw FaradayCubeError.badAxes(path: path, message: "axis \(a) (\(header.string("CTYPE\(a)") ?? "no CTYPE")) has \(shape[a - 1]) planes; only the frequency axis may have more than 1")
        }
    }

    public var width: Int { shape[0] }
    public var height: Int { shape[1] }
    public var channels: Int { shape[frequencyAxis - 1] }

    /// The channel frequencies from the frequency axis's linear WCS (CRVAL, CDELT, CRPIX;
    /// CUNIT Hz, kHz, MHz or GHz).
    public func wcsFrequencies() throws -> [Double] {
        let f = frequencyAxis
        guard let crval = header.double("CRVAL\(f)"), let cdelt = header.double("CDELT\(f)") ?? header.double("CD\(f)_\(f)") else {
            throw FaradayCubeError.badFrequencies(path: path, message: "the frequency axis \(f) has no CRVAL\(f)/CDELT\(f); give the channel frequencies with --freq FILE")
        }
        let crpix = header.double("CRPIX\(f)") ?? 1
        let unit = (header.string("CUNIT\(f)") ?? "Hz").trimmingCharacters(in: .whitespaces).lowercased()
        let scale: Double
        switch unit {
        case "", "hz": scale = 1
        case "khz": scale = 1e3
        case "mhz": scale = 1e6
        case "ghz": scale = 1e9
        default:
            throw FaradayCubeError.badFrequencies(path: path, message: "CUNIT\(f) = '\(unit)' is not a frequency unit; give the channel frequencies with --freq FILE")
        }
        return (0..<channels).map { (crval + (Double($0 + 1) - crpix) * cdelt) * scale }
    }

    /// Checks that `other` has this cube's shape and sky/frequency WCS.
    public func requireSameGrid(as other: FaradayCubeInput) throws {
        guard shape == other.shape else {
            throw FaradayCubeError.shapeMismatch(path: path, shape: shape, reference: other.path, referenceShape: other.shape)
        }
        for a in [1, 2, frequencyAxis] {
            for key in ["CTYPE", "CRVAL", "CDELT", "CRPIX"] {
                let k = "\(key)\(a)"
                let mine = header[k], theirs = other.header[k]
                if let x = mine?.double, let y = theirs?.double {
                    if abs(x - y) <= 1e-9 * max(abs(x), abs(y)) { continue }
                } else if mine?.string?.trimmingCharacters(in: .whitespaces) == theirs?.string?.trimmingCharacters(in: .whitespaces) {
                    continue
                }
                throw FaradayCubeError.wcsMismatch(path: path, keyword: k, value: mine.map { "\($0)" } ?? "(none)",
                                                   reference: other.path, referenceValue: theirs.map { "\($0)" } ?? "(none)")
            }
        }
    }

    /// `readRows(rows)` of each cube, the cubes read side by side (each file by one thread).
    static func readRows(_ rows: Range<Int>, of cubes: [FaradayCubeInput], threads: Int) throws -> [[Float]] {
        struct Cubes: @unchecked Sendable { let all: [FaradayCubeInput] }
        let shared = Cubes(all: cubes)
        let read = Mutex<[Int: [Float]]>([:])
        try parallelForThrowing(cubes.count, threads: threads) { c in
            let values = try shared.all[c].readRows(rows)
            read.withLock { $0[c] = values }
        }
        return read.withLock { done in (0..<cubes.count).map { done[$0]! } }
    }

    /// Rows `rows` of every channel, plane-major (`values[j * width * rows.count + p]`).
    public func readRows(_ rows: Range<Int>) throws -> [Float] {
        var lower = [Int](repeating: 0, count: shape.count), upper = shape
        lower[1] = rows.lowerBound; upper[1] = rows.upperBound
        // Through cfitsio, not the memory-mapped reader: a mapping would keep every page of
        // the cube read so far resident (and counted), where only the slab is needed.
        let block: PixelArray<Float> = try file.readPixelsThroughCFITSIO(lower: lower, upper: upper,
                                                                          blockShape: zip(lower, upper).map { $1 - $0 })
        return block.values
    }
}

import Foundation
