#!/usr/bin/env python3
"""astropy's pixels of one image HDU, for CompressedImageTests.swift.

    astropy_pixels.py FILE HDU OUT

HDU is 1-based. Writes OUT: the image as little-endian float64 in FITS order (NAXIS1
fastest), blanks as NaN, as astropy.io.fits.getdata scales them; prints the shape
(NAXIS1 NAXIS2 ...) on stdout. Exits 3 when astropy or numpy is missing.
"""
import sys
try:
    import numpy as np
    from astropy.io import fits
except ImportError as error:
    sys.stderr.write(f"astropy_pixels.py: {error}\n")
    sys.exit(3)

path, hdu, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with fits.open(path) as hdul:
    data = hdul[hdu - 1].data
array = np.asarray(data, dtype="<f8")
array.tofile(out)
print(" ".join(str(n) for n in array.shape[::-1]))
