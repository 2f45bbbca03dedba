#!/usr/bin/env python3
"""What astropy computes for the WCS headers and FITS files astropy itself ships, for
WCSCorpusTests.swift.

Writes one JSON object on stdout:
  {"astropy": VERSION, "cases": [CASE, ...]}
with a CASE per header: a .hdr text file, or an image HDU (compressed ones included) of a
FITS file in astropy's test data:
  {"file": PATH, "hdu": N (1-based), "status": "accepted" | "rejected",
   "reason": why astropy rejected it (rejected only),
   "celestial": true when the header has celestial axes,
   "axes": [i, j] (0-based pixel axes the grid runs over),
   "world_axes": [a, b] (0-based world axes reported: longitude, latitude when celestial),
   "pixels": [[x, y], ...] (a 21 x 21 grid, FITS 1-based),
   "world": [[a, b] or null, ...] (astropy's all_pix2world, origin 1; null where not finite),
   "back": [[x, y] or null, ...] (astropy's all_world2pix of those, converged to 1e-11),
   "one_axis": true for a one-axis image (the second values are placeholders),
   "warnings": [keyword or message, ...] (astropy's FITSFixedWarning texts)}
Every other pixel axis is at its reference pixel (CRPIX), as `arrakis fits wcs` does.

Exits with status 3 and a message on stderr when astropy or numpy is missing.
"""
import glob
import json
import math
import os
import sys
import warnings

try:
    import numpy as np
    import astropy
    from astropy.io import fits
    from astropy.wcs import WCS
except ImportError as error:
    sys.stderr.write(f"astropy_wcs_corpus.py: {error}; run scripts/install-deps.sh --test\n")
    sys.exit(3)

ROOT = os.path.dirname(astropy.__file__)


def corpus():
    data = os.path.join(ROOT, "wcs", "tests", "data")
    headers = sorted(glob.glob(os.path.join(data, "maps", "*.hdr")) + glob.glob(os.path.join(data, "spectra", "*.hdr"))
                     + glob.glob(os.path.join(data, "*.hdr")))
    fits_files = sorted(glob.glob(os.path.join(data, "*.fits")) + glob.glob(os.path.join(data, "*.fits.gz"))
                        + glob.glob(os.path.join(ROOT, "io", "fits", "tests", "data", "*.fits"))
                        + glob.glob(os.path.join(ROOT, "io", "fits", "hdu", "compressed", "tests", "data", "*.fits")))
    return headers, fits_files


def header_text(path):
    """The records of a .hdr file as arrakis reads them: 80-character records, one per line
    when the file has line ends."""
    raw = open(path, "rb").read().decode("ascii", "replace")
    if "\n" in raw:
        records = []
        for line in raw.split("\n"):
            line = line.rstrip("\r")
            while True:
                records.append(line[:80])
                line = line[80:]
                if not line:
                    break
    else:
        records = [raw[i:i + 80] for i in range(0, len(raw), 80)]
    out = []
    for r in records:
        r = r.replace("\t", " ")
        if r.startswith("END") and r[3:].strip() == "":
            break
        if r == "":
            continue
        out.append(r.ljust(80))
    return "".join(out)


def finite_rows(array):
    return [[float(v) for v in row] if all(math.isfinite(v) for v in row) else None for row in array]


def evaluate(file, hdu, header, naxes):
    case = {"file": file, "hdu": hdu}
    caught = []
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            wcs = WCS(header)
            naxis = wcs.wcs.naxis
            if wcs.has_celestial:
                lng, lat = wcs.wcs.lng, wcs.wcs.lat
                axes, world_axes, celestial = sorted([lng, lat]), [lng, lat], True
            else:
                axes = [0, min(1, naxis - 1)]
                world_axes, celestial = axes, False
            size = [naxes[a] if a < len(naxes) and naxes[a] > 1 else 100 for a in axes]
            crpix = list(wcs.wcs.crpix)
            grid = []
            for j in range(21):
                for i in range(21):
                    p = list(crpix)
                    x = 1 + (size[0] - 1) * i / 20.0
                    y = 1 + (size[1] - 1) * j / 20.0
                    p[axes[0]] = x
                    if axes[1] != axes[0]:
                        p[axes[1]] = y
                    grid.append(p)
            with np.errstate(all="ignore"):
                world = wcs.all_pix2world(np.array(grid, dtype=float), 1)
                # astropy's own way back, converged tightly, for the round trip.
                try:
                    back = wcs.all_world2pix(world, 1, tolerance=1e-11, maxiter=100, quiet=True)
                except Exception:
                    back = np.full_like(world, np.nan)
            one = world_axes[1] == world_axes[0]
            pairs = [[row[world_axes[0]], 0.0 if one else row[world_axes[1]]] for row in world]
            returned = [[row[axes[0]], 1.0 if one else row[axes[1]]] for row in back]
            case.update({"status": "accepted", "celestial": celestial, "axes": axes, "world_axes": world_axes,
                         "one_axis": one,
                         "pixels": [[p[axes[0]], 1.0 if one else p[axes[1]]] for p in grid],
                         "world": finite_rows(pairs), "back": finite_rows(returned)})
        except Exception as error:  # astropy refuses the header
            case.update({"status": "rejected", "reason": f"{type(error).__name__}: {error}"})
        caught = [str(x.message) for x in w]
    case["warnings"] = caught
    return case


def main():
    headers, fits_files = corpus()
    cases = []
    for path in headers:
        text = header_text(path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                header = fits.Header.fromstring(text)
        except Exception as error:
            cases.append({"file": path, "hdu": 1, "status": "rejected", "reason": f"header: {error}", "warnings": []})
            continue
        naxes = [header.get(f"NAXIS{i + 1}", 0) for i in range(header.get("NAXIS", 0) or 0)]
        cases.append(evaluate(path, 1, header, naxes))
    for path in fits_files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                hdul = fits.open(path)
                hdul.verify("silentfix")
        except Exception as error:
            cases.append({"file": path, "hdu": 1, "status": "unreadable", "reason": str(error), "warnings": []})
            continue
        for index, hdu in enumerate(hdul):
            if not (isinstance(hdu, (fits.PrimaryHDU, fits.ImageHDU, fits.CompImageHDU))):
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    header = hdu.header
                    naxes = list(hdu.shape[::-1]) if hdu.data is not None else []
                except Exception as error:
                    cases.append({"file": path, "hdu": index + 1, "status": "unreadable", "reason": str(error), "warnings": []})
                    continue
            if not naxes:
                continue   # a header-only HDU: no image
            case = evaluate(path, index + 1, header, naxes)
            case["compressed"] = isinstance(hdu, fits.CompImageHDU)
            cases.append(case)
    json.dump({"astropy": astropy.__version__, "cases": cases}, sys.stdout)


main()
