#!/usr/bin/env python3
"""The cutouts arrakis made, made again with astropy, for bench/cutouts.sh.

    cutouts_astropy.py MANIFEST OUTDIR --cubes DIR [--cubes DIR...] [--check N]

OUTDIR must not exist. MANIFEST is the cutouts manifest arrakis wrote (source_id stokes beam image weights ...);
the parent cubes are looked up by name in the --cubes directories.
For every row the box is read back from arrakis's cutout (NAXIS1/2 and the CRPIX shift
against the parent cube) before timing starts, so both make exactly the same cutouts.
Timed: per cube, open it (memory-mapped) and for each of its islands take Cutout2D of the
celestial plane at that box, slice the cube through every Stokes plane and channel with
the cutout's slices, update the header as the original pipeline does (CRPIX1/2 shifted,
OBJECT = Source_ID), `writeto` under the same name in OUTDIR, and copy the weights file
beside it (shutil.copyfile). Then (untimed) checks that OUTDIR holds as many files as
arrakis wrote and that N random cutouts (default 50) have the same pixels and CRPIX.

Prints one line:  astropy: files=<n> cutouts=<n> bytes=<image bytes> seconds=<s>
"""
import os
import random
import shutil
import sys
import time
import warnings
from collections import defaultdict

import numpy as np
from astropy.io import fits
from astropy.nddata import Cutout2D
from astropy.wcs import WCS, FITSFixedWarning

warnings.simplefilter("ignore", FITSFixedWarning)


def read_jobs(manifest, cube_dirs):
    """(cube, [(source_id, x0, x1, y0, y1, arrakis image, weights or '')]) per cube."""
    rows = []
    with open(manifest) as fh:
        header = fh.readline().rstrip("\n").split("\t")
        for line in fh:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    jobs = defaultdict(list)
    crpix_of = {}
    for r in rows:
        image = r["image"]
        name = os.path.basename(image)
        cube_name = name.split(".cutout.", 1)[1]
        found = [d for d in cube_dirs if os.path.exists(os.path.join(d, cube_name))]
        if not found:
            raise SystemExit(f"{cube_name}: not in any of {cube_dirs}")
        cube = os.path.join(found[0], cube_name)
        if cube not in crpix_of:
            h = fits.getheader(cube)
            crpix_of[cube] = (h["CRPIX1"], h["CRPIX2"])
        h = fits.getheader(image)
        x0 = int(round(crpix_of[cube][0] - h["CRPIX1"]))
        y0 = int(round(crpix_of[cube][1] - h["CRPIX2"]))
        jobs[cube].append((r["source_id"], x0, x0 + h["NAXIS1"], y0, y0 + h["NAXIS2"], image, r.get("weights", "")))
    return jobs


def cut_all(jobs, outdir):
    n = 0
    nbytes = 0
    files = 0
    for cube, islands in jobs.items():
        with fits.open(cube, memmap=True, mode="denywrite") as hdul:
            hdu = hdul[0]
            data = hdu.data                      # (..., NAXIS2, NAXIS1), memory-mapped
            header = hdu.header
            wcs = WCS(header).celestial
            plane = data.reshape((-1,) + data.shape[-2:])[0]
            for sid, x0, x1, y0, y1, _, weights in islands:
                w, h = x1 - x0, y1 - y0
                cut = Cutout2D(plane, position=(x0 + w / 2, y0 + h / 2), size=(h, w), wcs=wcs, mode="strict")
                ys, xs = cut.slices_original
                assert (xs.start, xs.stop, ys.start, ys.stop) == (x0, x1, y0, y1), (sid, cut.bbox_original)
                sub = data[..., ys, xs]
                hdr = header.copy()
                hdr["CRPIX1"] = header["CRPIX1"] - cut.origin_original[0]
                hdr["CRPIX2"] = header["CRPIX2"] - cut.origin_original[1]
                hdr["OBJECT"] = sid
                d = os.path.join(outdir, sid)
                os.makedirs(d, exist_ok=True)
                path = os.path.join(d, f"{sid}.cutout.{os.path.basename(cube)}")
                fits.PrimaryHDU(data=sub, header=hdr).writeto(path, overwrite=True)
                nbytes += os.path.getsize(path)
                n += 1
                files += 1
                if weights:
                    shutil.copyfile(weights_source(weights, cube), os.path.join(d, os.path.basename(weights)))
                    files += 1
    return n, files, nbytes


def weights_source(copy, cube):
    """The parent weights file of an arrakis weights copy: beside the cube."""
    name = os.path.basename(copy).split(".cutout.", 1)[1]
    return os.path.join(os.path.dirname(cube), name)


def check(jobs, outdir, count):
    flat = [(cube, j) for cube, js in jobs.items() for j in js]
    random.seed(1)
    for cube, (sid, x0, x1, y0, y1, image, _) in random.sample(flat, min(count, len(flat))):
        ours = os.path.join(outdir, sid, os.path.basename(image))
        with fits.open(image) as a, fits.open(ours) as b:
            assert a[0].data.shape == b[0].data.shape, (image, a[0].data.shape, b[0].data.shape)
            assert np.array_equal(a[0].data, b[0].data, equal_nan=True), f"pixels differ: {image}"
            for k in ("CRPIX1", "CRPIX2", "CRVAL1", "CRVAL2", "OBJECT", "BMAJ"):
                assert a[0].header.get(k) == b[0].header.get(k), (image, k, a[0].header.get(k), b[0].header.get(k))
    return min(count, len(flat))


def main():
    manifest, outdir = sys.argv[1], sys.argv[2]
    count = int(sys.argv[sys.argv.index("--check") + 1]) if "--check" in sys.argv else 50
    cube_dirs = [sys.argv[i + 1] for i, a in enumerate(sys.argv) if a == "--cubes"]
    jobs = read_jobs(manifest, cube_dirs)
    os.makedirs(outdir)
    os.sync()
    t0 = time.perf_counter()
    n, files, nbytes = cut_all(jobs, outdir)
    seconds = time.perf_counter() - t0
    checked = check(jobs, outdir, count)
    print(f"astropy: files={files} cutouts={n} bytes={nbytes} seconds={seconds:.3f} checked={checked}")


if __name__ == "__main__":
    main()
