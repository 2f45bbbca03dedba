import Foundation
@testable import Astro

/// Runs `astropy_cutouts.py` (next to this file): astropy's reading of cutouts and their
/// parent cubes (world -> pixel in both, every header card, the pixels), in one process.
enum AstropyCutouts {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("astropy_cutouts.py").path

    struct Pair {
        var cutout: String
        var parent: String
        /// Where the cutout's pixel (0, 0) lies in the parent (the cutout box's lower corner).
        var box: (x: Int, y: Int)
        var world: [(ra: Double, dec: Double)]
    }

    struct Reading: Decodable {
        var cutout_pixels: [[Double]?]
        var parent_pixels: [[Double]?]
        var cutout_cards: [[String]]
        var parent_cards: [[String]]
        var cutout_shape: [Int]
        var data_equal: Bool
    }

    private struct Response: Decodable { var pairs: [Reading] }

    static func read(_ pairs: [Pair]) throws -> [Reading] {
        let items = pairs.map { pair in
            """
            {"cutout": "\(pair.cutout)", "parent": "\(pair.parent)", "box": [\(pair.box.x), \(pair.box.y)],
             "world": [\(pair.world.map { "[\($0.ra), \($0.dec)]" }.joined(separator: ", "))]}
            """
        }
        let request = "{\"pairs\": [\(items.joined(separator: ",\n"))]}"
        let result = try Astropy.run([script], input: Data(request.utf8))
        guard result.status == 0 else {
            throw Astropy.Failure(description: "astropy_cutouts.py exited with \(result.status): \(result.stderr)")
        }
        return try JSONDecoder().decode(Response.self, from: result.stdout).pairs
    }
}
