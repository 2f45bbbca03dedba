/// The pixels strictly between two radii around a centre pixel, clipped to the image, and
/// the smallest window of the image holding them (and the centre).
struct Annulus {
    /// The window to read (image pixels).
    let window: CutoutBox
    /// Flat offsets (x fastest) within the window of the annulus pixels.
    let offsets: [Int]

    init(centre: (x: Int, y: Int), inner: Double, outer: Double, width: Int, height: Int) {
        let reach = Int(outer.rounded(.up))
        let x0 = max(0, centre.x - reach), x1 = min(width, centre.x + reach + 1)
        let y0 = max(0, centre.y - reach), y1 = min(height, centre.y + reach + 1)
        window = CutoutBox(x: x0..<x1, y: y0..<y1)
        var offsets: [Int] = []
        for y in y0..<y1 {
            for x in x0..<x1 {
                let dx = Double(x - centre.x), dy = Double(y - centre.y)
                let r = (dx * dx + dy * dy).squareRoot()
                if r > inner && r < outer { offsets.append((y - y0) * (x1 - x0) + (x - x0)) }
            }
        }
        self.offsets = offsets
    }

    /// The flat offset of image pixel (x, y) within the window.
    func index(x: Int, y: Int) -> Int {
        (y - window.y.lowerBound) * window.width + (x - window.x.lowerBound)
    }
}
