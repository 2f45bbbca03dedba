/// A floating-point pixel type cfitsio can convert any BITPIX into. Blank (null)
/// pixels of integer images and IEEE NaNs of float images both read as NaN.
public protocol FITSFloat: BinaryFloatingPoint, Sendable, BitwiseCopyable {
    /// cfitsio's datatype code (TFLOAT, TDOUBLE).
    static var fitsDataType: Int32 { get }
}

extension Float: FITSFloat {
    public static var fitsDataType: Int32 { 42 }  // TFLOAT
}

extension Double: FITSFloat {
    public static var fitsDataType: Int32 { 82 }  // TDOUBLE
}

/// An N-dimensional block of pixels in FITS order: the first axis varies fastest.
/// `shape` is (NAXIS1, NAXIS2, ...) of the block.
public struct PixelArray<Element: FITSFloat>: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Element]

    public init(shape: [Int], values: [Element]) {
        precondition(shape.reduce(1, *) == values.count, "PixelArray: \(values.count) values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }

    public init(shape: [Int], repeating value: Element) {
        self.shape = shape
        self.values = [Element](repeating: value, count: shape.reduce(1, *))
    }

    /// The flat offset of a 0-based pixel index.
    @inlinable
    public func offset(_ index: [Int]) -> Int { fitsOffset(index, shape: shape) }

    public subscript(_ index: Int...) -> Element {
        get { values[offset(index)] }
        set { values[offset(index)] = newValue }
    }

    /// Equality that treats NaN as equal to NaN (blank pixels round-trip as NaN).
    public static func == (a: PixelArray, b: PixelArray) -> Bool {
        guard a.shape == b.shape else { return false }
        for (x, y) in zip(a.values, b.values) where !(x == y || (x.isNaN && y.isNaN)) {
            return false
        }
        return true
    }
}

/// The flat offset (FITS order: the first axis fastest) of a 0-based pixel `index` in an
/// image of `shape`.
@usableFromInline
func fitsOffset(_ index: [Int], shape: [Int]) -> Int {
    var offset = 0
    var stride = 1
    for (axis, i) in index.enumerated() {
        offset += i * stride
        stride *= shape[axis]
    }
    return offset
}
