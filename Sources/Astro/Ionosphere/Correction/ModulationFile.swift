#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the modulation text `IonosphericCorrection.modulationText` writes (the original's
/// `<Source_ID>_ion.txt`): `#` comments, then one channel per line, `freq Re(theta) Im(theta)`.
public enum ModulationFile {
    public static func read(_ path: String) throws -> (frequency: [Double], theta: [Modulation]) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw SpectrumFileError(path: path, line: nil, message: "cannot read: \(error.localizedDescription)")
        }
        var frequency: [Double] = [], theta: [Modulation] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let body = line.prefix { $0 != "#" }
            let words = body.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if words.isEmpty { continue }
            guard words.count == 3, let nu = Double(words[0]), let re = Double(words[1]), let im = Double(words[2]) else {
                throw SpectrumFileError(path: path, line: n + 1, message: "expected 3 numbers (freq Re(theta) Im(theta))")
            }
            frequency.append(nu)
            theta.append(Modulation(re: re, im: im))
        }
        if frequency.isEmpty { throw SpectrumFileError(path: path, line: nil, message: "no channels") }
        return (frequency, theta)
    }
}
