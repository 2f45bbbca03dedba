#!/usr/bin/env python3
"""Reads cutouts and their parent cubes with astropy, for ImagingCutoutHeaderTests.swift.

Reads one JSON object on stdin:
  {"pairs": [{"cutout": path, "parent": path, "box": [x0, y0],
              "world": [[ra, dec], ...]}, ...]}
and writes one JSON object on stdout:
  {"pairs": [{"cutout_pixels": [[x, y] or null, ...],   # astropy world -> pixel, origin 0
              "parent_pixels": [[x, y] or null, ...],
              "cutout_cards": [[keyword, value], ...],  # every card, in order
              "parent_cards": [[keyword, value], ...],
              "cutout_shape": [NAXIS1, NAXIS2, ...],
              "data_equal": bool}, ...]}                 # cutout == parent[..., y0:y0+h, x0:x0+w]
A card's value is written as text: repr() for reals (shortest round trip), str() otherwise.
World -> pixel uses astropy.wcs.WCS(header).celestial.all_world2pix, as the original
pipeline's cutout code does.

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
    sys.stderr.write(f"astropy_cutouts.py: {error}; run scripts/install-deps.sh --test\n")
    sys.exit(3)


def text(value):
    if isinstance(value, float):
        return repr(value)
    return str(value)


def cards(header):
    return [[card.keyword, text(card.value)] for card in header.cards]


def pixels(header, world):
    if not world:
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wcs = WCS(header).celestial
        result = wcs.all_world2pix(np.array(world, dtype=float), 0)
    return [None if not all(math.isfinite(v) for v in row) else [float(v) for v in row]
            for row in result]


def check(pair):
    with fits.open(pair["cutout"], memmap=False) as cut, fits.open(pair["parent"], memmap=True) as parent:
        x0, y0 = pair["box"]
        data = cut[0].data
        height, width = data.shape[-2], data.shape[-1]
        window = parent[0].data[..., y0:y0 + height, x0:x0 + width]
        return {
            "cutout_pixels": pixels(cut[0].header, pair["world"]),
            "parent_pixels": pixels(parent[0].header, pair["world"]),
            "cutout_cards": cards(cut[0].header),
            "parent_cards": cards(parent[0].header),
            "cutout_shape": list(reversed(data.shape)),
            "data_equal": bool(window.shape == data.shape and np.array_equal(window, data, equal_nan=True)),
        }


def main():
    request = json.load(sys.stdin)
    json.dump({"pairs": [check(pair) for pair in request["pairs"]]}, sys.stdout)


main()
