/// The weight a LINMOS mosaic gives a set of beams at one sky position, per channel:
/// sum_b w_b P_b^2 over the beams whose primary-beam response P_b there is at least the
/// cutoff, exactly as `Linmos` accumulates its weight image (w_b = 1/sigma_b^2 from the
/// beam's weights file).
///
/// A region's mosaic of an island seen by several fields is the weighted mean of what each
/// field's beams see, with these sums as the weights: FRion uses them to combine each
/// field's ionospheric modulation into the one the merged spectrum carries.
public struct LinmosWeight: Sendable {
    public var cutoff: Double
    public var primaryBeam: GaussianPrimaryBeam

    public init(cutoff: Double = 0.01, primaryBeam: GaussianPrimaryBeam = GaussianPrimaryBeam()) {
        self.cutoff = cutoff
        self.primaryBeam = primaryBeam
    }

    /// The summed weight of `inputs` at `position`, at each of `frequencies` (Hz): each
    /// input's channel is the one nearest in frequency (its cube's spectral axis).
    /// - Throws: `ImagingError` naming an input whose cube or weights cannot be read.
    public func sum(at position: SkyPosition, inputs: [LinmosInput], frequencies: [Double]) throws(ImagingError) -> [Double] {
        var total = [Double](repeating: 0, count: frequencies.count)
        for input in inputs {
            let cube = try MosaicInputCube(input)
            let distance = SkyMath.separation(cube.beamCentre.ra, cube.beamCentre.dec, position.ra, position.dec)
            for (k, f) in frequencies.enumerated() {
                guard let channel = Self.nearest(f, in: cube.frequencies) else { continue }
                let w = cube.weights[channel]
                guard w > 0, w.isFinite else { continue }
                let p = primaryBeam.response(distance: distance, frequency: cube.frequencies[channel])
                if p >= cutoff { total[k] += w * p * p }
            }
        }
        return total
    }

    /// The index of the value nearest `f` (within half a channel's spacing, or 0.1% alone).
    static func nearest(_ f: Double, in values: [Double]) -> Int? {
        guard let i = values.indices.min(by: { abs(values[$0] - f) < abs(values[$1] - f) }) else { return nil }
        let spacing = values.count > 1 ? abs(values[1] - values[0]) : abs(f) * 2e-3
        return abs(values[i] - f) <= spacing / 2 ? i : nil
    }
}
