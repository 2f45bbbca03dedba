import Foundation
import Testing
@testable import Astro

/// Bad spectra are rejected with a typed error that says why; nothing crashes or returns
/// NaN silently.
@Suite("Faraday: bad spectra")
struct FaradayErrorTests {
    static let frequencies = (0..<64).map { 800e6 + 4e6 * Double($0) }

    static func good() -> Spectrum {
        var none: GaussianNoise? = nil
        return thinSourceSpectrum(frequencies: frequencies, i0: 0.1, nu0: 900e6, alpha: -0.7, fracPol: 0.1,
                                  rm: 50, psi0Degrees: 10, sigma: 1e-3, noise: &none)
    }

    func expectError(_ spectrum: Spectrum, settings: RMSynthesisSettings = .pipeline,
                     _ matches: (FaradayError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let r = try RMSynthesiser(settings: settings).synthesise(spectrum)
            Issue.record("expected an error, got a result with phi \(r.peak.phi)", sourceLocation: sourceLocation)
        } catch {
            #expect(matches(error), "unexpected error: \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.isEmpty)
        }
    }

    @Test("a good spectrum works") func good() throws {
        let r = try RMSynthesiser().synthesise(Self.good())
        #expect(abs(r.peak.phi - 50) < 1)
        for (key, value) in r.fields {
            if case .number(let v) = value { #expect(v.isFinite, "\(key) = \(v)") }
        }
    }

    @Test("all NaN") func allNaN() {
        let n = Self.frequencies.count
        let nan = [Double](repeating: .nan, count: n)
        expectError(Spectrum(frequency: Self.frequencies, i: nan, q: nan, u: nan, di: nan, dq: nan, du: nan)) {
            if case .tooFewChannels(_, 0, _) = $0 { return true }; return false
        }
    }

    @Test("too few good channels") func tooFew() {
        var s = Self.good()
        for k in 3..<s.count { s.i[k] = .nan }
        expectError(s) { if case .tooFewChannels(_, 3, 5) = $0 { return true }; return false }
        var q = Self.good()
        for k in 1..<q.count { q.q[k] = .nan }
        expectError(q) { if case .tooFewChannels("RM synthesis", 1, 2) = $0 { return true }; return false }
        let one = Spectrum(frequency: [1e9], i: [1], q: [0.1], u: [0.1], di: [0.01], dq: [0.01], du: [0.01])
        expectError(one) { if case .tooFewChannels = $0 { return true }; return false }
    }

    @Test("negative or zero Stokes I model") func negativeModel() throws {
        var s = Self.good()
        for k in s.i.indices { s.i[k] = -s.i[k] }
        expectError(s) { if case .nonPositiveStokesIModel = $0 { return true }; return false }
        var zero = Self.good()
        for k in zero.i.indices { zero.i[k] = 0 }
        expectError(zero) { if case .nonPositiveStokesIModel = $0 { return true }; return false }
        // A linear model that crosses zero inside the band: rejected by default; RM-Tools'
        // behaviour on request (carry on, flag IfitStat + 128).
        var crossing = Self.good()
        for k in crossing.i.indices { crossing.i[k] = 0.1 * (1 - 1.2 * Double(k) / Double(crossing.count - 1)) }
        var linear = RMSynthesisSettings()
        linear.fitFunction = .linear
        linear.polyOrder = 1
        expectError(crossing, settings: linear) { if case .nonPositiveStokesIModel = $0 { return true }; return false }
        linear.allowNonPositiveStokesIModel = true
        let r = try RMSynthesiser(settings: linear).synthesise(crossing)
        #expect(r.stokesI.status & StokesIFit.negativeModelFlag != 0)
        #expect(r.stokesI.status & StokesIFit.lowSignalFlag != 0)
    }

    @Test("non-finite or non-positive frequencies, ragged columns") func badInput() {
        var s = Self.good()
        s.frequency[5] = .nan
        expectError(s) { $0 == .badFrequency(channel: 5, value: .nan) || { if case .badFrequency(5, _) = $0 { return true }; return false }($0) }
        var z = Self.good()
        z.frequency[0] = 0
        expectError(z) { if case .badFrequency(0, _) = $0 { return true }; return false }
        var r = Self.good()
        r.du.removeLast()
        expectError(r) { if case .columnLengthMismatch(_, _, "dU") = $0 { return true }; return false }
    }

    @Test("zero noise") func zeroNoise() {
        var s = Self.good()
        s.dq[10] = 0; s.du[10] = 0
        expectError(s) { $0 == .zeroPolarisationNoise(channel: 10) }
        var i = Self.good()
        i.di[7] = 0
        expectError(i) { $0 == .zeroStokesIUncertainty(channel: 7) }
    }

    @Test("no polarised signal") func zeroQU() {
        var s = Self.good()
        for k in s.q.indices { s.q[k] = 0; s.u[k] = 0 }
        expectError(s) { $0 == .noPolarisedSignal }
    }

    @Test("infinite values are flagged channels, not NaN results") func infinities() throws {
        var s = Self.good()
        s.q[3] = .infinity; s.i[9] = -.infinity; s.du[20] = .nan
        let r = try RMSynthesiser().synthesise(s)
        #expect(r.channelCount == s.count - 2)
        #expect(abs(r.peak.phi - 50) < 1)
    }

    @Test("invalid settings and CLEAN before synthesis") func settings() {
        var bad = RMSynthesisSettings()
        bad.polyOrder = 7
        expectError(Self.good(), settings: bad) { if case .invalidSetting = $0 { return true }; return false }
        bad = RMSynthesisSettings()
        bad.samplesPerFWHM = 0
        expectError(Self.good(), settings: bad) { if case .invalidSetting = $0 { return true }; return false }
        #expect(throws: FaradayError.self) { try RMSynthesiser().clean() }
        let s = RMSynthesiser()
        _ = try? s.synthesise(Self.good())
        var clean = RMCleanSettings()
        clean.gain = 2
        #expect(throws: FaradayError.self) { try s.clean(clean) }
    }

    @Test("a failed spectrum does not leave stale products behind") func stale() throws {
        let s = RMSynthesiser()
        _ = try s.synthesise(Self.good())
        #expect(s.synthesisProducts != nil)
        var bad = Self.good()
        for k in bad.q.indices { bad.q[k] = .nan }
        #expect(throws: FaradayError.self) { try s.synthesise(bad) }
        #expect(s.synthesisProducts == nil)
        #expect(throws: FaradayError.self) { try s.clean() }
    }
}
