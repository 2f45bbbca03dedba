#!/usr/bin/env python3
"""An independent measurement, with astropy and numpy, of what a field catalogue's
`beamdist`, `separation_tile_centre`, `stokes{I,Q,U}_err` and `stokes{I,Q,U}_bkg` hold, for
CatalogueFidelityTests.swift.

Usage: catalogue_fidelity.py PROJECT EPOCH FIELD SPECTRA_MANIFEST
  PROJECT           the project directory (manifest paths are relative to it)
  SPECTRA_MANIFEST  the manifest the field's rmsynth read (spectra or frion), relative to PROJECT

From the field table (work/epoch_E/fields/FIELD.json): the tile centre. From the mosaics
manifest: each island's I, Q, U mosaics, in which, for each component of the catalogue:
  - the pixel nearest its position (astropy WCS, rounded half to even);
  - per channel and Stokes, the pixels strictly between 1.5 and 5 BMIN (in pixels: BMIN over
    sqrt|det| of the celestial pixel-scale matrix) from it: astropy sigma_clip (3 sigma about the
    median, population std, 5 iterations): mean = background, std = noise;
  - flagged channels: a 5-sigma median/MAD outlier of the noise (astropy sigma_clip, mad_std),
    a NaN noise, or a blank (0 or NaN) value, in any Stokes;
  - a frion row (its `modulation` column): Q + iU and its background divided by theta, the
    noise propagated (dQ'^2 = a^2 dQ^2 + b^2 dU^2, ... with 1/theta = a + ib);
  - over the unflagged channels: mean noise / sqrt(channels) and mean background.
The simulator's truth: the Stokes I catalogue's Separation_Tile_Centre (its Tile_ID's centre).

Writes one JSON object: {"rows": [{"cat_id", "separation", "truth_separation" (null when
Tile_ID is not FIELD), "tile_id", "err": [I, Q, U], "bkg": [I, Q, U], "channels"}, ...]}.
Exits with status 3 when astropy or numpy is missing.
"""
import csv
import json
import math
import os
import sys
import warnings

try:
    import numpy as np
    from astropy.coordinates import SkyCoord
    from astropy.io import fits
    from astropy.stats import sigma_clip
    from astropy.table import Table
    from astropy.wcs import WCS, FITSFixedWarning
    import astropy.units as u
except ImportError as error:
    sys.stderr.write(f"catalogue_fidelity.py: {error}; run scripts/install-deps.sh --test\n")
    sys.exit(3)


def manifest(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def cube(path):
    with fits.open(path) as hdul:
        data = np.squeeze(hdul[0].data).astype(np.float64)
        header = hdul[0].header
    return data, header


def annulus_statistics(data, header, ra, dec):
    """(value, background, noise) per channel at the pixel nearest (ra, dec)."""
    wcs = WCS(header).celestial
    x, y = wcs.world_to_pixel(SkyCoord(ra * u.deg, dec * u.deg))
    x, y = int(np.round(x)), int(np.round(y))
    scale = math.sqrt(abs(np.linalg.det(wcs.pixel_scale_matrix)))
    beam = header["BMIN"] / scale
    yy, xx = np.mgrid[0:data.shape[1], 0:data.shape[2]]
    r = np.hypot(xx - x, yy - y)
    ring = (r > 1.5 * beam) & (r < 5 * beam)
    value = data[:, y, x].copy()
    background = np.full(data.shape[0], np.nan)
    noise = np.full(data.shape[0], np.nan)
    for c in range(data.shape[0]):
        plane = data[c][ring]
        plane = plane[np.isfinite(plane)]
        if plane.size == 0:
            continue
        kept = sigma_clip(plane, sigma=3, maxiters=5, cenfunc="median", stdfunc="std").compressed()
        background[c] = np.mean(kept)
        noise[c] = np.std(kept)
    return value, background, noise


def theta_of(path):
    rows = np.loadtxt(path, comments="#", ndmin=2)
    return rows[:, 1] + 1j * rows[:, 2]


def main(project, epoch, field, spectra_manifest):
    warnings.simplefilter("ignore", FITSFixedWarning)   # the simulator's DATE-OBS, not a problem
    work = os.path.join(project, "work", f"epoch_{epoch}")
    with open(os.path.join(work, "fields", f"{field}.json")) as f:
        table = json.load(f)
    centre = SkyCoord(table["centre"]["ra"] * u.deg, table["centre"]["dec"] * u.deg)
    mosaics = {}
    for row in manifest(os.path.join(work, "manifests", f"{field}.mosaics.tsv")):
        mosaics[(row["source_id"], row["stokes"])] = os.path.join(project, row["image"])
    spectra = {row["gaussian_id"]: row for row in manifest(os.path.join(project, spectra_manifest))}
    truth = Table.read(os.path.join(project, "survey", "catalogues", "RACS-DR1_components.fits"))
    truth = {str(g): (str(t), float(s)) for g, t, s in zip(truth["Gaussian_ID"], truth["Tile_ID"], truth["Separation_Tile_Centre"])}
    catalogue = Table.read(os.path.join(work, "catalogues", f"{field}.fits"))

    cubes = {}
    rows = []
    for cat_id, source_id, ra, dec in zip(catalogue["cat_id"], catalogue["source_id"], catalogue["ra"], catalogue["dec"]):
        cat_id, source_id = str(cat_id), str(source_id)
        out = {"cat_id": cat_id, "separation": float(centre.separation(SkyCoord(ra * u.deg, dec * u.deg)).deg)}
        tile, separation = truth[cat_id]
        out["tile_id"] = tile
        out["truth_separation"] = separation if tile == field else None
        stats = []
        for s in "iqu":
            key = (source_id, s)
            if key not in cubes:
                cubes[key] = cube(mosaics[key])
            stats.append(annulus_statistics(*cubes[key], ra, dec))
        values = np.array([v for v, _, _ in stats])
        backgrounds = np.array([b for _, b, _ in stats])
        noises = np.array([n for _, _, n in stats])
        flagged = np.zeros(values.shape[1], dtype=bool)
        for k in range(3):
            flagged |= sigma_clip(noises[k], sigma=5, maxiters=5, cenfunc="median", stdfunc="mad_std").mask
            flagged |= ~np.isfinite(noises[k]) | ~np.isfinite(values[k]) | (values[k] == 0)
        modulation = spectra.get(cat_id, {}).get("modulation")
        if modulation:
            inverse = 1 / theta_of(os.path.join(project, modulation))
            a, b = inverse.real, inverse.imag
            p = (backgrounds[1] + 1j * backgrounds[2]) * inverse
            backgrounds[1], backgrounds[2] = p.real, p.imag
            dq2, du2 = noises[1] ** 2, noises[2] ** 2
            noises[1], noises[2] = np.sqrt(a * a * dq2 + b * b * du2), np.sqrt(b * b * dq2 + a * a * du2)
        used = ~flagged
        n = int(used.sum())
        out["channels"] = n
        out["err"] = [float(np.mean(noises[k][used]) / math.sqrt(n)) for k in range(3)] if n else [None] * 3
        out["bkg"] = [float(np.mean(backgrounds[k][used])) for k in range(3)] if n else [None] * 3
        rows.append(out)
    json.dump({"rows": rows}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4])
