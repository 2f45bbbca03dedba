#!/usr/bin/env python3
"""Compares `arrakis rmsynth3d` outputs with RM-Tools 1.5.0's (rmtools-qa-3d/CASE/*.fits.gz).

    compare_rmtools_3d.py REFERENCE_DIR OUTPUT_DIR

For every file RM-Tools wrote: the same shape; every value within 1e-4 of RM-Tools' relative
to the larger of the value and the peak modulus of its pixel's complex spectrum (the real
and imaginary parts near zero are sums of terms of the size of that peak, computed by
RM-Tools with a non-uniform FFT of tolerance 1e-6 in float32); NaN where RM-Tools has NaN; the Faraday depth of the peak (FDF_peakRM)
and the CLEAN iteration counts exactly; and the same header cards (values within 1e-9
relative), HISTORY text aside, with the same WCS as astropy reads it. Prints one JSON
object: {"files": n, "failures": [...], "worst": {file: relative difference}}.
"""
import json, os, sys, warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS, FITSFixedWarning

warnings.simplefilter("ignore", FITSFixedWarning)
warnings.simplefilter("ignore", RuntimeWarning)   # all-NaN spectra of flagged pixels
EXACT = {"FDF_peakRM.fits", "CLEAN_nIter.fits"}


def compare_headers(name, ref, ours, failures):
    # EXTEND: cfitsio writes it in every primary header (extensions may follow), astropy not.
    skip = {"HISTORY", "COMMENT", "", "CHECKSUM", "DATASUM", "EXTEND"}
    rk = [k for k in ref.keys() if k not in skip]
    ok = [k for k in ours.keys() if k not in skip]
    if sorted(set(rk)) != sorted(set(ok)):
        failures.append("%s: header keywords differ: only RM-Tools %s, only ours %s"
                        % (name, sorted(set(rk) - set(ok)), sorted(set(ok) - set(rk))))
        return
    for k in set(rk):
        a, b = ref[k], ours[k]
        if isinstance(a, str) or isinstance(b, str):
            if str(a).strip() != str(b).strip():
                failures.append("%s: %s = %r, RM-Tools %r" % (name, k, b, a))
        elif isinstance(a, bool) or isinstance(b, bool):
            if a != b:
                failures.append("%s: %s = %r, RM-Tools %r" % (name, k, b, a))
        elif abs(float(a) - float(b)) > 1e-9 * max(abs(float(a)), abs(float(b))):
            failures.append("%s: %s = %r, RM-Tools %r" % (name, k, b, a))
    if ("HISTORY" in ref) != ("HISTORY" in ours):
        failures.append("%s: HISTORY present in one header only" % name)
    # The WCS as astropy reads it, every axis.
    w1, w2 = WCS(ref), WCS(ours)
    if list(w1.wcs.ctype) != list(w2.wcs.ctype):
        failures.append("%s: WCS CTYPE %s, RM-Tools %s" % (name, list(w2.wcs.ctype), list(w1.wcs.ctype)))
    for attr in ("crval", "cdelt", "crpix"):
        x, y = np.asarray(getattr(w1.wcs, attr)), np.asarray(getattr(w2.wcs, attr))
        if x.shape != y.shape or not np.allclose(x, y, rtol=1e-9, atol=0):
            failures.append("%s: WCS %s %s, RM-Tools %s" % (name, attr, y.tolist(), x.tolist()))


def main():
    ref_dir, out_dir = sys.argv[1], sys.argv[2]
    failures, worst, count = [], {}, 0
    for entry in sorted(os.listdir(ref_dir)):
        if not entry.endswith(".fits.gz"):
            continue
        name = entry[:-3]
        path = os.path.join(out_dir, name)
        if not os.path.exists(path):
            failures.append("%s: not written" % name)
            continue
        count += 1
        with fits.open(os.path.join(ref_dir, entry)) as r, fits.open(path) as o:
            ref, ours = r[0].data, o[0].data
            compare_headers(name, r[0].header, o[0].header, failures)
            if ref.shape != ours.shape:
                failures.append("%s: shape %s, RM-Tools %s" % (name, ours.shape, ref.shape))
                continue
            if o[0].header["BITPIX"] != r[0].header["BITPIX"]:
                failures.append("%s: BITPIX %s, RM-Tools %s" % (name, o[0].header["BITPIX"], r[0].header["BITPIX"]))
            ref = ref.astype(np.float64)
            ours = ours.astype(np.float64)
            nan_r, nan_o = np.isnan(ref), np.isnan(ours)
            if not np.array_equal(nan_r, nan_o):
                failures.append("%s: NaN at %d places, RM-Tools at %d" % (name, nan_o.sum(), nan_r.sum()))
                continue
            good = ~nan_r
            if name in EXACT:
                bad = np.count_nonzero(ref[good] != ours[good])
                worst[name] = float(bad)
                if bad:
                    failures.append("%s: %d values differ (must be equal)" % (name, bad))
                continue
            # Scale: the peak modulus of the pixel's complex spectrum along the Faraday depth
            # axis (from the matching _tot file), or the value itself for maps.
            fdep = [a for a in range(1, r[0].header["NAXIS"] + 1) if "FDEP" in str(r[0].header.get("CTYPE%d" % a, ""))]
            depth = ref.ndim - fdep[0] if fdep else None
            if depth is not None and ref.shape[depth] > 1:
                tot_name = entry.replace("_real", "_tot").replace("_im", "_tot")
                with fits.open(os.path.join(ref_dir, tot_name)) as t:
                    tot = t[0].data.astype(np.float64)
                scale = np.nanmax(tot, axis=depth, keepdims=True) * np.ones_like(ref)
            else:
                scale = np.abs(ref)
            scale = np.maximum(scale, np.abs(ref))
            diff = np.abs(ours - ref)
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.where(scale > 0, diff / scale, diff)
            w = float(np.max(rel[good])) if good.any() else 0.0
            worst[name] = w
            if w > 1e-4:
                failures.append("%s: differs by %.3g relative (limit 1e-4)" % (name, w))
    print(json.dumps({"files": count, "failures": failures, "worst": worst}, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
