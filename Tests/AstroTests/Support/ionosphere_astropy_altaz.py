#!/usr/bin/env python3
"""Reference azimuths and elevations computed by astropy, for IonosphereHorizonTests.swift.

Reads one JSON object on stdin:
  {"points": [[ra_deg, dec_deg, mjd_utc, lat_deg, lon_deg, height_m], ...]}
and writes one JSON object on stdout:
  {"altaz": [[azimuth_deg, altitude_deg], ...],   # ICRS -> AltAz, pressure 0 (no refraction)
   "itrf":  [[x, y, z], ...],                     # EarthLocation.from_geodetic (WGS84), metres
   "dut1":  [ut1_minus_utc_seconds, ...]}
astropy applies UT1 - UTC and polar motion from the IERS tables it ships; nothing is
downloaded (auto_download off, predictions of any age accepted, degraded accuracy only
warned about), so the comparison runs offline.

Exits with status 3 and a message on stderr when astropy or numpy is missing: the tests
need them and must not pass without them.
"""
import json
import sys
import warnings

try:
    import numpy as np
    import astropy.units as u
    from astropy.coordinates import AltAz, EarthLocation, SkyCoord
    from astropy.time import Time
    from astropy.utils import iers
except ImportError as error:
    sys.stderr.write(f"ionosphere_astropy_altaz.py: {error}; run scripts/install-deps.sh --test\n")
    sys.exit(3)

iers.conf.auto_download = False
iers.conf.auto_max_age = None
iers.conf.iers_degraded_accuracy = "warn"


def main():
    points = np.array(json.load(sys.stdin)["points"], dtype=float).reshape(-1, 6)
    ra, dec, mjd, lat, lon, height = points.T
    location = EarthLocation.from_geodetic(lon * u.deg, lat * u.deg, height * u.m)
    time = Time(mjd, format="mjd", scale="utc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = AltAz(obstime=time, location=location, pressure=0 * u.hPa)
        altaz = SkyCoord(ra * u.deg, dec * u.deg, frame="icrs").transform_to(frame)
        dut1 = time.get_delta_ut1_utc().to_value(u.s)
    json.dump({
        "altaz": [[float(a), float(e)] for a, e in zip(altaz.az.deg, altaz.alt.deg)],
        "itrf": [[float(x), float(y), float(z)] for x, y, z in
                 zip(location.x.to_value(u.m), location.y.to_value(u.m), location.z.to_value(u.m))],
        "dut1": [float(v) for v in np.atleast_1d(dut1)],
    }, sys.stdout)


if __name__ == "__main__":
    main()
