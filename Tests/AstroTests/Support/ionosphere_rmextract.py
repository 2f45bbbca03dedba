#!/usr/bin/env python3
"""Reference geomagnetic fields and pierce points computed by RMextract, for the
ionosphere geometry tests (IonosphereWMMTests.swift, IonospherePiercePointTests.swift).

Reads one JSON object on stdin:
  {"wmm": [[decimal_year, lat_deg, lon_deg, height_km], ...],
   "pp":  [[site_x, site_y, site_z, dir_x, dir_y, dir_z, shell_height_m], ...]}
and writes one JSON object on stdout:
  {"wmm": [[north, east, down, x, y, z], ...],   # nT: RMextract.EMM.EMM.WMM getNED, getXYZ
   "pp":  [[pp_x, pp_y, pp_z, airmass], ...]}    # metres: RMextract.PosTools.getPP
RMextract's compiled WMM reads its own WMM.COF (WMM-2020) and returns single-precision
values. getPP intersects the ray with an ellipsoidal shell (a local osculating ellipsoid).

Exits with status 3 and a message on stderr when RMextract is missing: the tests need it
and must not pass without it.
"""
import json
import sys

try:
    from RMextract import PosTools
    from RMextract.EMM import EMM
except ImportError as error:
    sys.stderr.write(f"ionosphere_rmextract.py: {error}; pip install RMextract==0.5.1\n")
    sys.exit(3)


def main():
    request = json.load(sys.stdin)
    model = EMM.WMM()
    fields = []
    for year, lat, lon, height_km in request.get("wmm", []):
        model.date, model.lat, model.lon, model.h = year, lat, lon, height_km
        north, east, down = model.getNED()
        x, y, z = model.getXYZ()
        fields.append([float(v) for v in (north, east, down, x, y, z)])
    points = []
    for sx, sy, sz, dx, dy, dz, shell in request.get("pp", []):
        points.append([float(v) for v in PosTools.getPP(h=shell, mPosition=[sx, sy, sz], direction=[dx, dy, dz])])
    json.dump({"wmm": fields, "pp": points}, sys.stdout)


if __name__ == "__main__":
    main()
