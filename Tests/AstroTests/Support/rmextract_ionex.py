#!/usr/bin/env python3
"""RMextract 0.5.1's IONEX reading and interpolation, for the Swift IONEX tests.

Reads one JSON request on stdin, writes one JSON answer on stdout:

  {"mode": "read", "path": P}
      -> {"tec": [...], "shape": [maps, lats, lons], "lons": [...], "lats": [...], "times": [...]}
         RMextract.getIONEX.read_tec(P): TEC flattened (map, lat, lon), map times in hours.
  {"mode": "interpolate", "path": P, "hours": [...], "lats": [...], "lons": [...], "rotations": [0, 1]}
      -> {"tec": {"0": [...], "1": [...]}, "times": [...]}
         compute_tec_interpol(hours, lats, lons, read_tec(P), apply_earth_rotation=E) for each E.

P must be decompressed IONEX text (RMextract opens it as text).
"""
import contextlib
import json
import sys

import numpy as np


def main():
    request = json.load(sys.stdin)
    # RMextract logs; keep stdout for the answer alone.
    with contextlib.redirect_stdout(sys.stderr):
        from RMextract import getIONEX
        tecinfo = getIONEX.read_tec(request["path"])
        tec, _rms, lons, lats, times = tecinfo
        if request["mode"] == "read":
            answer = {"tec": tec.ravel().tolist(), "shape": list(tec.shape), "lons": lons.tolist(),
                      "lats": lats.tolist(), "times": times.tolist()}
        else:
            hours = np.asarray(request["hours"], dtype=float)
            lat = np.asarray(request["lats"], dtype=float)
            lon = np.asarray(request["lons"], dtype=float)
            answer = {"tec": {}, "times": times.tolist()}
            for rotation in request["rotations"]:
                values = getIONEX.compute_tec_interpol(hours, lat, lon, tecinfo, apply_earth_rotation=rotation)
                answer["tec"][str(rotation)] = np.asarray(values, dtype=float).tolist()
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
