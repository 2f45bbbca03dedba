import Foundation
import Testing
@testable import Astro

/// Spectrum files in the layouts RM-Tools' rmsynth1d reads (``SpectrumLayout``).
@Suite("Spectra: rmsynth1d's file layouts")
struct SpectrumLayoutTests {
    /// Writes `text` to a fresh file and returns its path.
    func file(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("layout-\(UUID().uuidString).dat").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test("a 7-column file reads as before, in either reader")
    func seven() throws {
        let path = try file("# freq I Q U dI dQ dU\n1e9 2 0.1 0.2 0.01 0.02 0.03\n\n1.1e9, 1.9, 0.11, 0.21, 0.01, 0.02, 0.03 # comment\n")
        let pipeline = try SpectrumFile.read(path)
        let (any, layout) = try SpectrumFile.read(path, layouts: SpectrumLayout.rmsynth1d)
        #expect(layout == .stokesIQU && layout.hasStokesI)
        #expect(any == pipeline)
        #expect(pipeline.columns == [[1e9, 1.1e9], [2, 1.9], [0.1, 0.11], [0.2, 0.21], [0.01, 0.01], [0.02, 0.02], [0.03, 0.03]])
    }

    @Test("a 5-column file has Stokes I 1 and dI 0, as rmsynth1d makes them")
    func five() throws {
        let path = try file("1e9 0.1 0.2 0.02 0.03\n1.1e9 0.11 0.21 0.02 0.03\n")
        let (s, layout) = try SpectrumFile.read(path, layouts: SpectrumLayout.rmsynth1d)
        #expect(layout == .stokesQU && !layout.hasStokesI)
        #expect(s == Spectrum(frequency: [1e9, 1.1e9], i: [1, 1], q: [0.1, 0.11], u: [0.2, 0.21], di: [0, 0], dq: [0.02, 0.02], du: [0.03, 0.03]))
        // The pipeline's reader takes 7 columns only, with its message of old.
        #expect(message { _ = try SpectrumFile.read(path) } == "\(path):1: expected 7 columns (freq I Q U dI dQ dU), found 5")
    }

    @Test("ignoring Stokes I keeps Q, U and their errors and sets I = 1, dI = 0")
    func ignore() {
        let s = Spectrum(frequency: [1e9, 2e9], i: [3, .nan], q: [0.1, 0.2], u: [0.3, 0.4], di: [0.5, 0.6], dq: [0.7, 0.8], du: [0.9, 1])
        let t = s.withStokesIIgnored()
        #expect(t.columns == [[1e9, 2e9], [1, 1], [0.1, 0.2], [0.3, 0.4], [0, 0], [0.7, 0.8], [0.9, 1]])
        #expect(t.withStokesIIgnored() == t)
    }

    @Test("what rmsynth1d does not read is refused, naming the file and line")
    func refused() throws {
        let layouts = SpectrumLayout.rmsynth1d
        let expected = "expected 7 columns (freq I Q U dI dQ dU) or 5 (freq Q U dQ dU)"
        let three = try file("# no errors\n1e9 0.1 0.2\n")
        #expect(message { _ = try SpectrumFile.read(three, layouts: layouts) }.hasPrefix("\(three):2: \(expected), found 3: RM-Tools' rmsynth1d does not read"))
        let six = try file("1e9 0.1 0.2 0.02 0.03 0\n")
        #expect(message { _ = try SpectrumFile.read(six, layouts: layouts) } == "\(six):1: \(expected), found 6")
        let mixed = try file("#\n1e9 0.1 0.2 0.02 0.03\n1e9 1 0.1 0.2 0.01 0.02 0.03\n")
        #expect(message { _ = try SpectrumFile.read(mixed, layouts: layouts) } == "\(mixed):3: expected 5 columns (freq Q U dQ dU) as on line 2, found 7")
        let cell = try file("1e9 0.1 0.2 0.02 0.03\n1.1e9 0.1 0.2 x 0.03\n")
        #expect(message { _ = try SpectrumFile.read(cell, layouts: layouts) } == "\(cell):2: column 4 is not a number: 'x'")
        let empty = try file("# nothing\n\n")
        #expect(message { _ = try SpectrumFile.read(empty, layouts: layouts) } == "\(empty): no channels")
    }
}
