import Foundation

/// The ionosphere's Faraday rotation toward one direction over one observation: RM_ion at
/// each sample time, and what it does to the polarisation averaged over the observation.
public struct IonosphericPrediction: Sendable, Equatable {
    /// Sample times, UTC as MJD x 86400 s, evenly spaced from one step before the scan's start
    /// to at least one step after its end (as FRion samples it).
    public var times: [Double]
    /// RM_ion at each time, rad/m^2 (positive: the field along the line of sight points at us).
    public var rm: [Double]
    /// The source's elevation at each time, degrees.
    public var elevation: [Double]
    /// The vertical TEC at the pierce point at each time, TECU.
    public var verticalTEC: [Double]

    public init(times: [Double], rm: [Double], elevation: [Double], verticalTEC: [Double]) {
        self.times = times
        self.rm = rm
        self.elevation = elevation
        self.verticalTEC = verticalTEC
    }

    /// The time average of RM_ion over the samples (Simpson's rule, as theta is averaged): the
    /// RM the correction removes, to first order.
    public var meanRM: Double { SimpsonRule.mean(rm, times: times) }

    /// theta(lambda^2) per channel (frequencies in Hz): the time average of
    /// exp(2i lambda^2 RM_ion(t)), by Simpson's rule over the samples, as FRion computes it.
    /// The observed P is the sky's P times theta; |theta| < 1 is the depolarisation.
    public func modulation(frequencies: [Double]) -> [Modulation] {
        let c = 299_792_458.0
        var re = [Double](repeating: 0, count: times.count)
        var im = re
        return frequencies.map { nu in
            let lambda2 = (c / nu) * (c / nu)
            for k in times.indices {
                let phase = 2 * lambda2 * rm[k]
                re[k] = cos(phase)
                im[k] = sin(phase)
            }
            return Modulation(re: SimpsonRule.mean(re, times: times), im: SimpsonRule.mean(im, times: times))
        }
    }
}

/// One channel's theta = re + i im.
public struct Modulation: Sendable, Equatable {
    public var re: Double
    public var im: Double
    public init(re: Double, im: Double) { self.re = re; self.im = im }
    public var magnitude: Double { (re * re + im * im).squareRoot() }
}
