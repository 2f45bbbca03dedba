#!/usr/bin/env python3
"""The anchor for the ionospheric correction: FRion 1.1.5 (RMextract 0.5.1 underneath) run
offline on local IONEX files, as the original pipeline calls it.

stdin:  {"ionex_dir": DIR (holding CODGddd0.yyI files), "site": [lat_deg, lon_deg, height_m],
         "altaz": "pyephem" (RMextract as installed here, without python-casacore) or "astropy"
                  (RMextract's azimuth/elevation replaced by astropy's rigorous AltAz, as with casacore),
         "timestep": seconds, "freqs": [Hz, ...],
         "cases": [{"start": "2020-01-08T03:00:00", "end": "...", "ra": deg, "dec": deg}, ...]}
stdout: {"cases": [{"times": [MJD seconds], "rm": [...], "theta_re": [...], "theta_im": [...]}, ...]}
Exit 3 when FRion or RMextract cannot be imported (a failure for the caller, not a skip).
"""
import json
import logging
import sys
import warnings

try:
    import astropy.units as u
    from astropy.coordinates import EarthLocation
    from FRion import predict
    from RMextract import PosTools
except ImportError as e:  # pragma: no cover
    print(f"cannot import FRion/RMextract/astropy: {e} (pip install FRion==1.1.5 RMextract==0.5.1)", file=sys.stderr)
    sys.exit(3)

logging.disable(logging.CRITICAL)
warnings.simplefilter("ignore")


def rigorous_azel(pointing, time, position, ha_limit=-1000):
    """RMextract's getAzEl with astropy in place of PyEphem: geodetic site, apparent place."""
    from astropy.coordinates import AltAz, SkyCoord
    from astropy.time import Time
    from astropy.utils import iers
    iers.conf.auto_download = False
    loc = EarthLocation.from_geocentric(*position, unit=u.m)
    c = SkyCoord(pointing[0] * u.rad, pointing[1] * u.rad, frame="icrs")
    aa = c.transform_to(AltAz(obstime=Time(time / 86400.0, format="mjd", scale="utc"), location=loc, pressure=0))
    return aa.az.rad, aa.alt.rad


def main():
    request = json.load(sys.stdin)
    if request.get("altaz", "pyephem") == "astropy":
        PosTools.getAzEl = rigorous_azel
    lat, lon, height = request["site"]
    site = EarthLocation.from_geodetic(lon * u.deg, lat * u.deg, height * u.m)
    freqs = [float(f) for f in request["freqs"]]
    path = request["ionex_dir"].rstrip("/") + "/"
    out = []
    for case in request["cases"]:
        # RMextract prints progress on stdout: keep our stdout for the answer.
        saved, sys.stdout = sys.stdout, sys.stderr
        try:
            times, rms, theta = predict.calculate_modulation(
                case["start"], case["end"], freqs, site, float(case["ra"]), float(case["dec"]),
                timestep=float(request["timestep"]), ionexPath=path, prefix="codg", pre_download=False,
                server="file://offline", use_urlib=True)
        finally:
            sys.stdout = saved
        out.append({"times": [float(t) * 86400.0 for t in times.mjd], "rm": [float(r) for r in rms],
                    "theta_re": [float(t.real) for t in theta], "theta_im": [float(t.imag) for t in theta]})
    json.dump({"cases": out}, sys.stdout)


if __name__ == "__main__":
    main()
