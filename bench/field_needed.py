#!/usr/bin/env python3
"""The bytes a field's cutouts need from its cubes, for bench/field.sh.

    field_needed.py MANIFEST --cubes DIR

MANIFEST is the cutouts manifest arrakis wrote; each cutout's box in its parent cube is read
back from the cutout's header (NAXIS1/2 and the CRPIX shift), as bench/cutouts_astropy.py
does. Per cube, the union of its boxes (every channel and Stokes plane) is counted once:
overlapping islands do not count twice. Also counts the 4 KiB pages of the files those bytes lie in (`needed_pages_bytes`): what any
reader through the page cache must fetch at least, since the device reads whole pages and a
box's row is often shorter than a page. Prints one line:
    needed: cubes=<n> cube_bytes=<sum of the cubes' data> needed_bytes=<union of the boxes>
            needed_pages_bytes=<pages holding them> fraction=<needed/cube>
"""
import os
import sys
from collections import defaultdict

import numpy as np
from astropy.io import fits

PAGE = 4096

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cutouts_astropy import read_jobs  # noqa: E402  (the boxes, read back the same way)


def pages_touched(starts, ends, data_start, plane_bytes, planes):
    """Bytes of the distinct pages that the spans (offsets in a plane) touch through every plane."""
    if len(starts) == 0:
        return 0
    offsets = data_start + plane_bytes * np.arange(planes, dtype=np.int64)
    first = ((offsets[:, None] + starts[None, :]) // PAGE).ravel()
    last = ((offsets[:, None] + ends[None, :] - 1) // PAGE).ravel()
    # Spans are in file order; a page shared with the previous span counts once.
    count = last - first + 1
    shared = np.zeros_like(count)
    shared[1:] = np.maximum(0, np.minimum(last[:-1], last[1:]) - first[1:] + 1)
    return int((count - shared).sum()) * PAGE


def main():
    manifest = sys.argv[1]
    cube_dir = sys.argv[sys.argv.index("--cubes") + 1]
    cube_bytes = needed = needed_pages = 0
    jobs = read_jobs(manifest, [cube_dir])
    for cube, islands in jobs.items():
        with fits.open(cube) as hdus:
            h = hdus[0].header
            data_start = hdus[0]._data_offset
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
        starts, ends = [], []   # byte offsets in a plane of each row's merged spans
        for y in sorted(per_row):
            spans = sorted(per_row[y])
            end = -1
            for a, b in spans:
                if a > end:
                    pixels += b - a
                    starts.append((y * nx + a) * size)
                    ends.append((y * nx + b) * size)
                    end = b
                elif b > end:
                    pixels += b - end
                    ends[-1] = (y * nx + b) * size
                    end = b
        needed += pixels * planes * size
        needed_pages += pages_touched(np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64),
                                      data_start, nx * ny * size, planes)
    print(f"needed: cubes={len(jobs)} cube_bytes={cube_bytes} needed_bytes={needed} needed_pages_bytes={needed_pages} "
          f"fraction={needed / max(cube_bytes, 1):.3f}")


if __name__ == "__main__":
    main()
