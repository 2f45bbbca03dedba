#if canImport(Glibc)
import Glibc
#endif

/// The output grid of a mosaic and, for each input, which of its pixels feed which output
/// pixel, plus each output pixel's squared distance from the input's beam centre.
struct MosaicGrid {
    let width: Int
    let height: Int
    let kind: MosaicGridKind
    /// The output header's CRPIX1/CRPIX2 (the first input's grid, shifted).
    let crpix: (x: Double, y: Double)
    /// Shared grids: where each input's pixel (0, 0) lands on the output.
    let offsets: [(x: Int, y: Int)]?
    /// Per input, per output pixel (x fastest): how to read the input there.
    let maps: [InputMap]

    /// How one input feeds the output grid.
    struct InputMap {
        /// Output pixels this input covers, as a box.
        let box: CutoutBox
        /// Per pixel of `box` (x fastest): flat index of the input pixel to read
        /// (shared: the pixel itself; resampled: the lower-left of the 2x2 block), -1 outside.
        let source: [Int32]
        /// Resampled grids: bilinear fractions per pixel of `box`; empty for shared grids.
        let fx: [Float]
        let fy: [Float]
        /// Squared distance (deg^2) of each pixel of `box` from the beam centre.
        let distanceSquared: [Float]
    }

    init(inputs: [MosaicInputCube]) {
        let first = inputs[0]
        if let offsets = Self.sharedOffsets(inputs) {
            let x0 = offsets.map(\.x).min()!, y0 = offsets.map(\.y).min()!
            let x1 = zip(offsets, inputs).map { $0.x + $1.width }.max()!
            let y1 = zip(offsets, inputs).map { $0.y + $1.height }.max()!
            width = x1 - x0
            height = y1 - y0
            kind = .shared
            let shifted = offsets.map { (x: $0.x - x0, y: $0.y - y0) }
            self.offsets = shifted
            crpix = (first.wcs.referencePixel.x + 1 - Double(x0), first.wcs.referencePixel.y + 1 - Double(y0))
            let outputWCS = first.wcs.shifted(x: Double(-x0), y: Double(-y0))
            maps = zip(inputs, shifted).map { input, offset in
                Self.sharedMap(input, offset: offset, outputWCS: outputWCS)
            }
        } else {
            var x0 = 0, y0 = 0, x1 = first.width, y1 = first.height
            for input in inputs.dropFirst() {
                if let box = Self.footprint(of: input, on: first.wcs) {
                    x0 = min(x0, box.x.lowerBound); x1 = max(x1, box.x.upperBound)
                    y0 = min(y0, box.y.lowerBound); y1 = max(y1, box.y.upperBound)
                }
            }
            width = x1 - x0
            height = y1 - y0
            kind = .resampled
            offsets = nil
            crpix = (first.wcs.referencePixel.x + 1 - Double(x0), first.wcs.referencePixel.y + 1 - Double(y0))
            let outputWCS = first.wcs.shifted(x: Double(-x0), y: Double(-y0))
            let (w, h) = (width, height)
            maps = inputs.map { Self.resampledMap($0, outputWCS: outputWCS, width: w, height: h) }
        }
    }

    /// Integer offsets placing every input on the first input's grid, or nil when some
    /// input's grid is not the first's shifted by whole pixels (checked to 1e-6 pixel at
    /// the corners and centre of each input).
    static func sharedOffsets(_ inputs: [MosaicInputCube]) -> [(x: Int, y: Int)]? {
        let reference = inputs[0].wcs
        var offsets: [(x: Int, y: Int)] = []
        for input in inputs {
            let (w, h) = (Double(input.width - 1), Double(input.height - 1))
            var offset: (x: Int, y: Int)?
            for (x, y) in [(0, 0), (w, 0), (0, h), (w, h), (w / 2, h / 2)] {
                guard let sky = input.wcs.sky(x: x, y: y),
                      let p = reference.pixel(ra: sky.ra, dec: sky.dec) else { return nil }
                let dx = p.x - x, dy = p.y - y
                let rx = dx.rounded(), ry = dy.rounded()
                guard abs(dx - rx) < 1e-6, abs(dy - ry) < 1e-6, abs(rx) < 1e8, abs(ry) < 1e8 else { return nil }
                if let offset, offset.x != Int(rx) || offset.y != Int(ry) { return nil }
                offset = (Int(rx), Int(ry))
            }
            offsets.append(offset!)
        }
        return offsets
    }

    /// The bounding box (on `grid`) of an input's pixels, sampled along its edges.
    static func footprint(of input: MosaicInputCube, on grid: CelestialWCS) -> CutoutBox? {
        var xs: [Double] = [], ys: [Double] = []
        let (w, h) = (input.width, input.height)
        var edge: [(Double, Double)] = []
        for x in 0...w { edge.append((Double(x) - 0.5, -0.5)); edge.append((Double(x) - 0.5, Double(h) - 0.5)) }
        for y in 0...h { edge.append((-0.5, Double(y) - 0.5)); edge.append((Double(w) - 0.5, Double(y) - 0.5)) }
        for (x, y) in edge {
            guard let sky = input.wcs.sky(x: x, y: y), let p = grid.pixel(ra: sky.ra, dec: sky.dec),
                  abs(p.x) < 1e7, abs(p.y) < 1e7 else { continue }
            xs.append(p.x); ys.append(p.y)
        }
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return nil }
        // Pixel centres strictly inside the sampled edges.
        let x0 = Int((minX + 0.5).rounded(.down)), x1 = Int((maxX + 0.5).rounded(.up))
        let y0 = Int((minY + 0.5).rounded(.down)), y1 = Int((maxY + 0.5).rounded(.up))
        return CutoutBox(x: x0..<max(x0, x1), y: y0..<max(y0, y1))
    }

    static func sharedMap(_ input: MosaicInputCube, offset: (x: Int, y: Int), outputWCS: CelestialWCS) -> InputMap {
        let box = CutoutBox(x: offset.x..<(offset.x + input.width), y: offset.y..<(offset.y + input.height))
        var source = [Int32](repeating: -1, count: input.width * input.height)
        var distance = [Float](repeating: .nan, count: source.count)
        for y in 0..<input.height {
            for x in 0..<input.width {
                let k = y * input.width + x
                source[k] = Int32(k)
                distance[k] = Self.distanceSquared(outputWCS, x: x + offset.x, y: y + offset.y, centre: input.beamCentre)
            }
        }
        return InputMap(box: box, source: source, fx: [], fy: [], distanceSquared: distance)
    }

    static func resampledMap(_ input: MosaicInputCube, outputWCS: CelestialWCS, width: Int, height: Int) -> InputMap {
        let box = footprint(of: input, on: outputWCS)?.clipped(width: width, height: height)
            ?? CutoutBox(x: 0..<0, y: 0..<0)
        let count = box.width * box.height
        var source = [Int32](repeating: -1, count: count)
        var fx = [Float](repeating: 0, count: count), fy = [Float](repeating: 0, count: count)
        var distance = [Float](repeating: .nan, count: count)
        let (w, h) = (input.width, input.height)
        guard w >= 2, h >= 2 else {
            return InputMap(box: box, source: source, fx: fx, fy: fy, distanceSquared: distance)
        }
        for (row, y) in box.y.enumerated() {
            for (column, x) in box.x.enumerated() {
                let k = row * box.width + column
                guard let sky = outputWCS.sky(x: Double(x), y: Double(y)),
                      let p = input.wcs.pixel(ra: sky.ra, dec: sky.dec),
                      p.x >= 0, p.y >= 0, p.x <= Double(w - 1), p.y <= Double(h - 1) else { continue }
                let ix = min(Int(p.x), max(w - 2, 0)), iy = min(Int(p.y), max(h - 2, 0))
                source[k] = Int32(iy * w + ix)
                fx[k] = Float(p.x - Double(ix))
                fy[k] = Float(p.y - Double(iy))
                distance[k] = Self.distanceSquared(outputWCS, x: x, y: y, centre: input.beamCentre)
            }
        }
        return InputMap(box: box, source: source, fx: fx, fy: fy, distanceSquared: distance)
    }

    static func distanceSquared(_ wcs: CelestialWCS, x: Int, y: Int, centre: SkyPosition) -> Float {
        guard let sky = wcs.sky(x: Double(x), y: Double(y)) else { return .nan }
        let d = SkyMath.separation(centre.ra, centre.dec, sky.ra, sky.dec)
        return Float(d * d)
    }
}
