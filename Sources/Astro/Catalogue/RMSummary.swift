import Foundation

/// An RM-Tools-keyed result dictionary (rmsynth1d's or rmclean1d's summary) read for the
/// catalogue, with errors that name the component, the summary and the key.
struct RMSummary {
    var cells: [String: CatalogueCell]
    /// "rmsynth" or "rmclean".
    var name: String
    var component: String

    /// The RM-Tools keys without which a summary is refused.
    static let requiredSynthesisKeys = ["phiPeakPIfit_rm2", "dPhiPeakPIfit_rm2", "ampPeakPIfitEff", "dAmpPeakPIfit",
                                        "snrPIfit", "Ifreq0", "freq0_Hz", "lam0Sq_m2", "fwhmRMSF", "dFDFth",
                                        "N_channels", "fracPol"]
    static let requiredCleanKeys = ["phiPeakPIfit_rm2", "dPhiPeakPIfit_rm2", "ampPeakPIfitEff", "dAmpPeakPIfit", "snrPIfit"]

    init(_ cells: [String: CatalogueCell], name: String, component: String, required: [String]) throws(CatalogueError) {
        self.cells = cells
        self.name = name
        self.component = component
        for key in required where cells[key] == nil {
            throw .missingResult(component: component, summary: name, key: key)
        }
    }

    /// RMSynthesisResult / RMCleanResult fields as summary cells (integers as numbers).
    static func cells(_ fields: [(String, FaradayValue)]) -> [String: CatalogueCell] {
        var out: [String: CatalogueCell] = [:]
        for (key, value) in fields {
            switch value {
            case .number(let v): out[key] = .number(v)
            case .integer(let i): out[key] = .number(Double(i))
            case .text(let t): out[key] = .text(t)
            case .null: out[key] = .null
            }
        }
        return out
    }

    /// The number under `key`; NaN when absent or null; numeric text ("nan", "1.5") is read.
    func number(_ key: String) throws(CatalogueError) -> Double {
        switch cells[key] {
        case .number(let v)?: return v
        case .null?, nil: return .nan
        case .text(let t)?:
            let trimmed = t.trimmingCharacters(in: .whitespaces)
            if let v = Double(trimmed) { return v }
            throw .badResult(component: component, summary: name, key: key, value: "'\(t)'")
        }
    }

    /// The integer under `key`, nil when absent or null.
    func integer(_ key: String) throws(CatalogueError) -> Int? {
        let v = try number(key)
        guard v.isFinite else { return nil }
        guard v.rounded() == v, abs(v) < 1e15 else {
            throw .badResult(component: component, summary: name, key: key, value: "\(v), not an integer")
        }
        return Int(v)
    }

    /// The text under `key`, "" when absent or null.
    func text(_ key: String) -> String {
        cells[key]?.text ?? ""
    }

    /// A comma-separated list of numbers (`polyCoeffs`); "nan"/"inf" read as such.
    func numbers(_ key: String) throws(CatalogueError) -> [Double] {
        let t = text(key)
        guard !t.isEmpty else { return [] }
        var out: [Double] = []
        for part in t.split(separator: ",") {
            let s = part.trimmingCharacters(in: .whitespaces)
            guard let v = Double(s) else {
                throw .badResult(component: component, summary: name, key: key, value: "'\(t)'")
            }
            out.append(v)
        }
        return out
    }
}
