#!/usr/bin/env python3
"""The bytes a field's cutouts need from its cubes, for bench/field.sh.

    field_needed.py MANIFEST --cubes DIR

MANIFEST is the cutouts manifest arrakis wrote; each cutout's box in its parent cube is read
back from the cutout's header (NAXIS1/2 and the CRPIX shift), as bench/cutouts_astropy.py
does. Per cube, the union of its boxes (every channel and Stokes plane) is counted once:
overlapping islands do not count twice. Prints one line:
    needed: cubes=<n> cube_bytes=<sum of the cubes' data> needed_bytes=<union of the boxes> fraction=<needed/cube>
"""
import os
import sys
from collections import defaultdict

from astropy.io import fits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cutouts_astropy import read_jobs  # noqa: E402  (the boxes, read back the same way)


def main():
    manifest = sys.argv[1]
    cube_dir = sys.argv[sys.argv.index("--cubes") + 1]
    cube_bytes = needed = 0
    jobs = read_jobs(manifest, [cube_dir])
    for cube, islands in jobs.items():
        h = fits.getheader(cube)
        nx, ny = h["NAXIS1"], h["NAXIS2"]
        planes = 1
        for axis in range(3, h["NAXIS"] + 1):
            planes *= h[f"NAXIS{axis}"]
        size = abs(h["BITPIX"]) // 8
        cube_bytes += nx * ny * planes * size
        # Per row of the sky plane, the union of the boxes' x ranges.
        per_row = defaultdict(list)
        for _, x0, x1, y0, y1, _, _ in islands:
            for y in range(max(0, y0), min(ny, y1)):
                per_row[y].append((max(0, x0), min(nx, x1)))
        pixels = 0
        for spans in per_row.values():
            spans.sort()
            end = -1
            for a, b in spans:
                if a > end:
                    pixels += b - a
                    end = b
                elif b > end:
                    pixels += b - end
                    end = b
        needed += pixels * planes * size
    print(f"needed: cubes={len(jobs)} cube_bytes={cube_bytes} needed_bytes={needed} "
          f"fraction={needed / max(cube_bytes, 1):.3f}")


if __name__ == "__main__":
    main()
