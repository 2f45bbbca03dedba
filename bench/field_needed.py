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


def main():
    manifest = sys.argv[1]
    cube_dir = sys.argv[sys.argv.index("--cubes") + 1]
    rows = []
    with open(manifest) as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    boxes = defaultdict(list)
    geometry = {}
    for r in rows:
        image = r["image"]
        cube = os.path.join(cube_dir, os.path.basename(image).split(".cutout.", 1)[1])
        if cube not in geometry:
            h = fits.getheader(cube)
            planes = 1
            for axis in range(3, h["NAXIS"] + 1):
                planes *= h[f"NAXIS{axis}"]
            geometry[cube] = (h["CRPIX1"], h["CRPIX2"], h["NAXIS1"], h["NAXIS2"], planes, abs(h["BITPIX"]) // 8)
        crpix1, crpix2 = geometry[cube][:2]
        h = fits.getheader(image)
        x0 = int(round(crpix1 - h["CRPIX1"]))
        y0 = int(round(crpix2 - h["CRPIX2"]))
        boxes[cube].append((x0, x0 + h["NAXIS1"], y0, y0 + h["NAXIS2"]))
    cube_bytes = needed = 0
    for cube, (_, _, nx, ny, planes, size) in geometry.items():
        cube_bytes += nx * ny * planes * size
        # Per row of the sky plane, the union of the boxes' x ranges.
        per_row = defaultdict(list)
        for x0, x1, y0, y1 in boxes[cube]:
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
    print(f"needed: cubes={len(geometry)} cube_bytes={cube_bytes} needed_bytes={needed} "
          f"fraction={needed / max(cube_bytes, 1):.3f}")


if __name__ == "__main__":
    main()
