#!/usr/bin/env python3
"""The PyPI rmtable package's checks, and astropy's reading, of a catalogue file, for
CatalogueStandardTests.swift.

Usage: rmtable_check.py CATALOGUE (.xml/.vot = VOTable, .fits = FITS)

Writes one JSON object on stdout:
  {"rows": n,
   "columns": [{"name", "unit", "ucd", "description", "kind", "values"}, ...],
                           # as astropy reads the file (NaN and masked as null)
   "verify_standard_strings": "...", "verify_limits": "...",   # what RMTable printed
   "verify_ucds": null or "error text",                        # RMTable.verify_ucds()
   "strict_ucd_errors": [...],       # UCDs failing astropy's controlled-vocabulary check
   "nonstandard_complex_test": [...],# complex_test entries (comma-separated) not in the standard
   "votable_warnings": [...],        # what astropy's votable.parse(verify="warn") objects to
   "read_warnings": [...]}           # warnings raised while reading
Exits with status 3 and a message on stderr when rmtable, astropy or numpy is missing.
"""
import contextlib
import io
import json
import math
import sys
import warnings

try:
    import numpy as np
    from astropy.io import votable
    from astropy.io.votable import ucd as vo_ucd
    from rmtable import RMTable
except ImportError as error:
    sys.stderr.write(f"rmtable_check.py: {error}; run scripts/install-deps.sh --test\n")
    sys.exit(3)


def plain(value):
    """A JSON-able Python value for one table cell."""
    if value is np.ma.masked:
        return None
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    return str(value)


def printed(function):
    """What `function()` prints on stdout."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        function()
    return buffer.getvalue()


def main(path):
    result = {}
    result["votable_warnings"] = []
    if not path.endswith(".fits"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            votable.parse(path, verify="warn")
        result["votable_warnings"] = [str(w.message) for w in caught]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with contextlib.redirect_stdout(io.StringIO()):
            table = RMTable.read(path)
    result["read_warnings"] = [str(w.message) for w in caught]
    result["rows"] = len(table)
    result["columns"] = [
        {
            "name": name,
            "unit": None if table[name].unit is None else str(table[name].unit),
            "ucd": table[name].meta.get("ucd"),
            "description": table[name].description,
            "kind": table[name].dtype.kind,
            "values": [plain(v) for v in table[name]],
        }
        for name in table.colnames
    ]
    result["verify_standard_strings"] = printed(table.verify_standard_strings)
    result["verify_limits"] = printed(table.verify_limits)
    try:
        printed(table.verify_ucds)
        result["verify_ucds"] = None
    except Exception as error:  # noqa: BLE001 - verify_ucds fails by raising
        result["verify_ucds"] = f"{type(error).__name__}: {error}"
    result["strict_ucd_errors"] = [
        f"{name}: {ucd}" for name, ucd in table.ucds.items()
        if ucd and not vo_ucd.check_ucd(ucd, check_controlled_vocabulary=True)
    ]
    allowed = set(table.standard_complexity_test)
    result["nonstandard_complex_test"] = sorted({
        part for entry in table["complex_test"] for part in str(entry).split(",") if part not in allowed
    })
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
