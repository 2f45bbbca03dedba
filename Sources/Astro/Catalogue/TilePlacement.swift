/// Where a component sits in the footprint it was measured in.
public struct TilePlacement: Sendable, Equatable {
    /// The field whose tile centre is used (for a field's row, that field).
    public var field: String
    /// That tile's centre (the database's, or the beams' mean direction).
    public var centre: SkyPosition
    /// The great-circle distance from the centre, degrees: the row's `beamdist` and
    /// `separation_tile_centre`.
    public var separation: Double

    public init(field: String, centre: SkyPosition, separation: Double) {
        self.field = field
        self.centre = centre
        self.separation = separation
    }
}
