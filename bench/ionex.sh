#!/usr/bin/env bash
# IONEX reading speed, optimised build: parsing the decompressed text, expanding .Z (our LZW)
# and .gz (zlib), and the whole IONEXMaps.read, on the committed real files; plus vertical TEC
# lookups per second.
#
#   bench/ionex.sh [REPEATS] [WORKDIR]      (default 50 repeats; the median is reported)
#
# Compiles Sources/Astro/Ionosphere/IONEX/*.swift with a small driver into one program with
# `swiftc -O` (the same code as the Astro target, without building the whole package in
# release), and runs it on Tests/AstroTests/Resources/ionex/*.
# The last line is  ionex: parse_ms=<CODE day 008 text> read_ms=<its .Z file, expand + parse>
set -euo pipefail
REPEATS=${1:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${2:-$(mktemp -d /tmp/arrakis-bench-ionex.XXXXXX)}
mkdir -p "$WORK"
cat > "$WORK/main.swift" <<'SWIFT'
import Foundation

func milliseconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    return times.sorted()[times.count / 2]
}

let repeats = Int(CommandLine.arguments[1])!
var summary = ""
for path in CommandLine.arguments.dropFirst(2) {
    let compressed = try IONEXMaps.readBytes(path: path)
    let isLZW = compressed.starts(with: [0x1F, 0x9D])
    let text = isLZW ? try LZWDecoder.decompress(compressed) : try GzipDecoder.decompress(compressed)
    let name = (path as NSString).lastPathComponent
    let expand = try milliseconds(repeats) {
        _ = isLZW ? try LZWDecoder.decompress(compressed) : try GzipDecoder.decompress(compressed)
    }
    let parse = try milliseconds(repeats) {
        _ = try text.withUnsafeBufferPointer { try IONEXParser(path: name).parse($0) }
    }
    let read = try milliseconds(repeats) { _ = try IONEXMaps.read(path: path) }
    let maps = try IONEXMaps.read(path: path)
    var generator = SystemRandomNumberGenerator()
    let points = (0..<200_000).map { _ in
        (Double.random(in: -90...90, using: &generator), Double.random(in: -180...180, using: &generator),
         Double.random(in: maps.span, using: &generator))
    }
    var total = 0.0
    let start = DispatchTime.now().uptimeNanoseconds
    for (lat, lon, t) in points {
        total += try maps.verticalTEC(latitude: lat, longitude: lon, mjdSeconds: t, interpolation: .rotated)
    }
    let lookups = Double(points.count) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    print(String(format: "%@: %d compressed -> %d bytes; expand %.2f ms (%@), parse %.2f ms (%.0f MB/s), read %.2f ms; "
                 + "%.1f M vertical TEC lookups/s (rotated; mean %.2f TECU)",
                 name, compressed.count, text.count, expand, isLZW ? "LZW" : "zlib", parse,
                 Double(text.count) / 1e6 / (parse / 1e3), read, lookups / 1e6, total / Double(points.count)))
    if summary.isEmpty { summary = String(format: "ionex: parse_ms=%.2f read_ms=%.2f", parse, read) }
}
print(summary)
SWIFT
echo "compiling (swiftc -O) ..." >&2
swiftc -O -module-name IONEXBench -I "$ROOT/Sources/CZlib" -lz \
  "$ROOT"/Sources/Astro/Ionosphere/IONEX/*.swift "$WORK/main.swift" -o "$WORK/ionex-bench"
RES="$ROOT/Tests/AstroTests/Resources/ionex"
"$WORK/ionex-bench" "$REPEATS" "$RES/codg0080.20i.Z" "$RES/codg0090.20i.Z" "$RES/IGS0OPSFIN_20243490000_01D_02H_GIM.INX.gz"
