#!/usr/bin/env bash
# Installs what building and testing arrakis needs on Debian (idempotent, quiet when done).
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   plus what the tests and benches use (python3 with astropy, numpy;
#                                    mockupdb, montydb and pymongo for the MongoDB test server;
#                                    rmtable for the catalogue's RMTable checks;
#                                    FRion 1.1.5 and RMextract 0.5.1, the ionosphere's anchor;
#                                    a PostgreSQL server for scripts/pg-test-server.sh;
#                                    slurm-wlm and munge for scripts/slurm-local.sh;
#                                    ncompress, to check our LZW (.Z) decoder against compress(1))
set -euo pipefail
packages=(pkg-config libxxhash-dev xxhash libcfitsio-dev wcslib-dev zlib1g-dev libsqlite3-dev libpq-dev libmongoc-dev libopenblas-dev libfftw3-dev)
if [ "${1:-}" = "--test" ]; then
  # g++ and python3-dev: RMextract (the ionosphere anchor) has no wheel for Python 3.13, pip builds it.
  packages+=(ninja-build python3 python3-dev g++ ncompress postgresql slurm-wlm munge)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if [ "${1:-}" = "--test" ] && ! python3 -c 'import astropy, numpy' 2>/dev/null; then
  # The WCS tests compare against astropy (Tests/AstroTests/Support/astropy_wcs.py).
  if [ "$(command -v python3)" = /usr/bin/python3 ]; then
    # Debian's own python3 refuses pip installs (PEP 668): use Debian's packages.
    echo "installing: python3-astropy python3-numpy (apt)" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-astropy python3-numpy >&2
  else
    echo "installing: astropy numpy (pip)" >&2
    python3 -m pip install --quiet astropy numpy >&2 || {
      echo "error: could not pip-install astropy and numpy for $(command -v python3); install them (e.g. in a venv on PATH)" >&2
      exit 1
    }
  fi
fi
if [ "${1:-}" = "--test" ] && ! python3 -c 'import mockupdb, montydb, pymongo, rmtable, FRion.predict, RMextract.getRM, ephem' 2>/dev/null; then
  # The MongoDB tests run Tests/TestServers/mongo_test_server.py; the catalogue tests run
  # Tests/AstroTests/Support/rmtable_check.py (PyPI rmtable). Debian packages none
  # of mockupdb, montydb and rmtable, so they come from PyPI; nor FRion and RMextract (the ionosphere tests'
  # anchor, Tests/AstroTests/Support/frion_anchor.py), pinned to the versions the tests were written against. Debian's own python3 refuses pip installs
  # (PEP 668) unless told otherwise: --break-system-packages puts them under /usr/local
  # (root) or ~/.local (a user), apart from apt's files (Debian 12's pip 23.0 has the flag).
  echo "installing: mockupdb montydb pymongo rmtable FRion RMextract (pip)" >&2
  pip_flags=(--quiet)
  if [ "$(command -v python3)" = /usr/bin/python3 ]; then
    pip_flags+=(--break-system-packages)
    [ "$(id -u)" -ne 0 ] && pip_flags+=(--user)
    if ! python3 -m pip --version >/dev/null 2>&1; then
      SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
      $SUDO apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-pip >&2
    fi
  fi
  python3 -m pip install "${pip_flags[@]}" mockupdb montydb pymongo rmtable FRion==1.1.5 RMextract==0.5.1 >&2 || {
    echo "error: could not pip-install mockupdb, montydb, pymongo, rmtable, FRion and RMextract for $(command -v python3); install them (e.g. in a venv on PATH)" >&2
    exit 1
  }
fi
if ! command -v swift >/dev/null; then
  echo "error: swift is not on PATH; install Swift 6.3 from https://www.swift.org/install/linux/ (e.g. into /opt/swift) and add its usr/bin to PATH" >&2
  exit 1
fi
