import ArgumentParser
import Astro
import Foundation

struct FitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fits", abstract: "Inspect FITS files.", discussion: CommandExamples.fits,
        subcommands: [FitsHeaderCommand.self, FitsWindowsCommand.self, FitsWCSCommand.self])
}

struct FitsHeaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "header", abstract: "Print the header cards of one HDU.", discussion: CommandExamples.fitsHeader)

    @Argument(help: "FITS file.") var file: String
    @Option(help: "HDU number (1 = primary).") var hdu = 1

    func validate() throws { try OptionRange.check(hdu, 1...99_999, "--hdu") }

    func run() throws {
        do {
            let f = try FITSFile.open(file)
            try f.moveTo(hdu: hdu)
            for card in try f.readHeader().cards {
                // Long (HIERARCH) keywords are printed whole.
                let key = card.keyword.count >= 8 ? card.keyword : card.keyword + String(repeating: " ", count: 8 - card.keyword.count)
                if card.isCommentary {
                    printOut("\(key) \(card.comment)\n")
                } else {
                    let value = card.value.map { "\($0)" } ?? ""
                    printOut("\(key) = \(value)\(card.comment.isEmpty ? "" : " / \(card.comment)")\n")
                }
            }
        } catch {
            fail(error)
        }
    }
}

/// Reads random x/y windows through all planes, as cutouts do, and reports the rate.
struct FitsWindowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "windows", abstract: "Time cutout-style window reads (x/y box through every channel) of a cube.",
        discussion: CommandExamples.fitsWindows)

    @Argument(help: "FITS image or cube.") var file: String
    @Option(help: "Window side in pixels.") var size = 64
    @Option(help: "Number of windows.") var count = 200
    @Option(help: "Random seed for window positions.") var seed: UInt64 = 1

    func validate() throws {
        try OptionRange.check(size, 1...65_536, "--size")
        try OptionRange.check(count, 1...10_000_000, "--count")
    }

    func run() throws {
        do {
            let f = try FITSFile.open(file)
            let shape = try f.imageShape()
            guard shape.count >= 2, shape[0] >= size, shape[1] >= size else {
                throw ValidationError("\(file): image \(shape) is smaller than a \(size)x\(size) window")
            }
            var random = RandomStream(seed: seed)
            let start = Date()
            var bytes = 0
            var checksum = 0.0
            for _ in 0..<count {
                let x = Int(random.uniform() * Double(shape[0] - size + 1))
                let y = Int(random.uniform() * Double(shape[1] - size + 1))
                let w = try f.readWindow(x: x..<(x + size), y: y..<(y + size), as: Float.self)
                bytes += w.values.count * 4
                checksum += Double(w.values[w.values.count / 2])
            }
            let seconds = Date().timeIntervalSince(start)
            printOut(String(format: "windows=%d size=%d bytes=%d seconds=%.3f MBps=%.1f checksum=%g\n",
                            count, size, bytes, seconds, Double(bytes) / seconds / 1e6, checksum))
        } catch {
            fail(error)
        }
    }
}
