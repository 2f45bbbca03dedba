extension LeakageEnvelope {
    /// An envelope that was not fitted, and why.
    static func none(_ reason: String, sources: Int) -> LeakageEnvelope {
        LeakageEnvelope(coefficients: [], shift: 0, scale: 1, binCentres: [], binMedians: [],
                        sources: sources, notFitted: reason)
    }

    /// Fits the envelope to (separation from tile centre in deg, fractional polarisation) of
    /// the sources bright in Stokes I, as the original's `get_fit_func`: `bins` equal-width
    /// bins between the smallest and largest separation (numpy's histogram edges, the largest
    /// value in the last bin), the median fracpol of each bin, plus `offset`, fitted by a
    /// polynomial of `degree`. Unlike the original, empty bins are left out rather than fitted
    /// as NaN; with fewer non-empty bins than coefficients there is no envelope.
    static func fit(separation: [Double], fracpol: [Double], settings: LeakageSettings) -> LeakageEnvelope {
        let count = separation.count
        guard count >= settings.minimumSources else {
            return .none("\(count) sources with Stokes I S/N > \(settings.minimumStokesISNR); at least \(settings.minimumSources) are needed", sources: count)
        }
        guard settings.bins >= 1, settings.degree >= 0 else {
            return .none("invalid settings: \(settings.bins) bins, degree \(settings.degree)", sources: count)
        }
        var lo = separation.min()!, hi = separation.max()!
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let width = (hi - lo) / Double(settings.bins)
        var members = [[Double]](repeating: [], count: settings.bins)
        for (s, f) in zip(separation, fracpol) {
            let k = min(settings.bins - 1, max(0, Int((s - lo) / width)))
            members[k].append(f)
        }
        var centres: [Double] = [], medians: [Double] = []
        for k in 0..<settings.bins where !members[k].isEmpty {
            centres.append(lo + (Double(k) + 0.5) * width)
            medians.append(CatalogueStatistics.median(members[k]))
        }
        guard let fit = CatalogueStatistics.polynomialFit(
            x: centres, y: medians.map { $0 + settings.offset }, degree: settings.degree) else {
            return .none("\(centres.count) non-empty separation bins; a degree-\(settings.degree) polynomial needs \(settings.degree + 1)", sources: count)
        }
        return LeakageEnvelope(coefficients: fit.coefficients, shift: fit.shift, scale: fit.scale,
                               binCentres: centres, binMedians: medians, sources: count, notFitted: nil)
    }
}
