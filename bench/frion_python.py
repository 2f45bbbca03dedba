#!/usr/bin/env python3
"""The reference for bench/frion.sh: the original pipeline's FRion stage on one field, in
Python. Per island, FRion's calculate_modulation (RMextract underneath, offline on the same
IONEX files) over the field's scan; per component, its spectrum read, divided by theta and
written. Timed inside Python (imports and input reading excluded).

    frion_python.py SPECTRA_MANIFEST ISLANDS_FITS FIELD_DATA_CSV FIELD_NAME IONEX_DIR OUT_DIR
Prints: frion_python: islands=<n> components=<n> seconds=<s> mean_rm=<rad/m^2>
"""
import csv
import logging
import os
import sys
import time
import warnings

import numpy as np
from astropy.coordinates import EarthLocation
from astropy.io import fits
from astropy.time import Time
import astropy.units as u
from FRion import predict

logging.disable(logging.CRITICAL)
warnings.simplefilter("ignore")


def main():
    manifest, islands_fits, field_data, field, ionex, out_dir = sys.argv[1:7]
    rows = list(csv.DictReader(open(manifest), delimiter="\t"))
    by_island = {}
    for r in rows:
        by_island.setdefault(r["source_id"], []).append(r)
    with fits.open(islands_fits) as h:
        t = h[1].data
        pos = {sid.strip(): (float(ra), float(dec)) for sid, ra, dec in zip(t["Source_ID"], t["RA"], t["Dec"])}
    scan = None
    for r in csv.DictReader(open(field_data)):
        if r["FIELD_NAME"].endswith(field.replace("RACS_", "")) and int(r["SBID"]) > 0:
            scan = (float(r["SCAN_START"]), float(r["SCAN_TINT"]))
    start = Time(scan[0] / 86400.0, format="mjd")
    end = Time((scan[0] + scan[1]) / 86400.0, format="mjd")
    site = EarthLocation.from_geodetic(116.6589 * u.deg, -26.7042 * u.deg, 381 * u.m)
    os.makedirs(out_dir, exist_ok=True)
    freqs = np.loadtxt(rows[0]["spectrum"], usecols=0)
    t0 = time.perf_counter()
    rms = []
    for sid, comps in by_island.items():
        ra, dec = pos[sid]
        saved, sys.stdout = sys.stdout, sys.stderr
        try:
            _, rm, theta = predict.calculate_modulation(start.isot, end.isot, freqs, site, ra, dec, timestep=300.0,
                                                        ionexPath=ionex.rstrip("/") + "/", prefix="codg",
                                                        pre_download=False, server="file://offline", use_urlib=True)
        finally:
            sys.stdout = saved
        rms.extend([float(np.mean(rm))] * len(comps))   # per component, as arrakis reports it
        np.savetxt(os.path.join(out_dir, sid + "_ion.txt"), np.column_stack([freqs, theta.real, theta.imag]))
        for c in comps:
            s = np.loadtxt(c["spectrum"])
            p = (s[:, 2] + 1j * s[:, 3]) / theta
            s[:, 2], s[:, 3] = p.real, p.imag
            np.savetxt(os.path.join(out_dir, c["gaussian_id"] + ".ion.dat"), s)
    seconds = time.perf_counter() - t0
    print(f"frion_python: islands={len(by_island)} components={len(rows)} seconds={seconds:.3f} mean_rm={np.mean(rms):.4f}")


if __name__ == "__main__":
    main()
