#!/usr/bin/env python3
"""Reference celestial WCS transforms computed by astropy, for WCSTests.swift.

Reads one JSON object on stdin:
  {"cards": [["CTYPE1", "RA---SIN"], ["CRVAL1", 150.0], ...],
   "pix2world": [[x, y], ...],      # 0-based pixel coordinates
   "world2pix": [[lon, lat], ...]}  # degrees
and writes one JSON object on stdout:
  {"world": [[lon, lat] or null, ...], "pixels": [[x, y] or null, ...]}
using astropy.wcs.WCS(header).celestial with origin 0. Pixel coordinates are in
axis order (x along the lower-numbered celestial axis); world coordinates are
always (longitude, latitude), even when the latitude axis comes first. A point
astropy cannot transform (outside the projection's domain) is null.

Exits with status 3 and a message on stderr when astropy or numpy is missing.
"""
import json
import math
import sys
import warnings

try:
    import numpy as np
    from astropy.io import fits
    from astropy.wcs import WCS
except ImportError as error:
    sys.stderr.write(f"astropy_wcs.py: {error}; run scripts/install-deps.sh --test\n")
    sys.exit(3)


def rows(array):
    return [None if not all(math.isfinite(v) for v in row) else [float(v) for v in row]
            for row in array]


def transform(function, points, swap_in=False, swap_out=False):
    if not points:
        return []
    array = np.array(points, dtype=float)
    if swap_in:
        array = array[:, ::-1]
    with np.errstate(all="ignore"):
        result = function(array, 0)
    return rows(result[:, ::-1] if swap_out else result)


def main():
    request = json.load(sys.stdin)
    header = fits.Header()
    for keyword, value in request["cards"]:
        header[keyword] = value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wcs = WCS(header).celestial
        latitude_first = wcs.wcs.lat < wcs.wcs.lng
        world = transform(wcs.all_pix2world, request.get("pix2world", []),
                          swap_out=latitude_first)
        pixels = transform(wcs.all_world2pix, request.get("world2pix", []),
                           swap_in=latitude_first)
    json.dump({"world": world, "pixels": pixels}, sys.stdout)


main()
