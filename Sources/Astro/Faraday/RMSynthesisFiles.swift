import Foundation

/// Writes RM synthesis and RM-CLEAN products under a prefix, with RM-Tools' file names and
/// layouts (what `rmsynth1d -S` and `rmclean1d -S` write):
///
/// - `P_FDFdirty.dat` (phi, Re, Im), `P_RMSF.dat` (phi, Re, Im), `P_weight.dat` (freq, w),
///   `P_RMsynth.dat` (key=value), `P_RMsynth.json`;
/// - after CLEAN: `P_FDFclean.dat`, `P_FDFmodel.dat` (phi, Re, Im), `P_RMclean.dat`,
///   `P_RMclean.json`.
///
/// Numbers are written with the shortest text that reads back exactly; JSON NaN as null.
/// Every file is written to a temporary name and renamed into place; the prefix's directory
/// is created if missing.
public enum RMSynthesisFiles {
    /// Writes the synthesis files; returns their paths.
    @discardableResult
    public static func write(prefix: String, result: RMSynthesisResult, products: RMSynthesisProducts) throws -> [String] {
        try makeDirectory(for: prefix)
        let paths = [prefix + "_FDFdirty.dat", prefix + "_RMSF.dat", prefix + "_weight.dat",
                     prefix + "_RMsynth.dat", prefix + "_RMsynth.json"]
        try SpectrumFile.write(columns: [products.phi, products.fdfReal, products.fdfImag], to: paths[0])
        try SpectrumFile.write(columns: [products.rmsfPhi, products.rmsfReal, products.rmsfImag], to: paths[1])
        try SpectrumFile.write(columns: [products.frequency, products.weight], to: paths[2])
        try AtomicTextFile.write(keyValueText(result.fields), to: paths[3])
        try AtomicTextFile.write(result.json + "\n", to: paths[4])
        return paths
    }

    /// Writes the CLEAN files; returns their paths.
    @discardableResult
    public static func write(prefix: String, clean: RMCleanResult, products: RMCleanProducts) throws -> [String] {
        try makeDirectory(for: prefix)
        let paths = [prefix + "_FDFclean.dat", prefix + "_FDFmodel.dat", prefix + "_RMclean.dat", prefix + "_RMclean.json"]
        try SpectrumFile.write(columns: [products.phi, products.cleanReal, products.cleanImag], to: paths[0])
        try SpectrumFile.write(columns: [products.phi, products.modelReal, products.modelImag], to: paths[1])
        try AtomicTextFile.write(keyValueText(clean.fields), to: paths[2])
        try AtomicTextFile.write(clean.json + "\n", to: paths[3])
        return paths
    }

    private static func makeDirectory(for prefix: String) throws {
        let directory = (prefix as NSString).deletingLastPathComponent
        guard !directory.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AtomicWriteError(path: directory, reason: "cannot create the output directory: \(error.localizedDescription)")
        }
    }

    /// `key=value` lines, as RM-Tools' `_RMsynth.dat`.
    static func keyValueText(_ fields: [(String, FaradayValue)]) -> String {
        fields.map { "\($0.0)=\($0.1.plain)\n" }.joined()
    }
}
