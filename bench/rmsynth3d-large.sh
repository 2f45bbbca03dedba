#!/usr/bin/env bash
# 3-D RM synthesis of a cube larger than the memory it is given: `arrakis rmsynth3d` on a
# SIDE x SIDE x 288-channel Q/U pair (default 2048: 4.8 GB per cube in float32) inside a
# memory cgroup limited to LIMIT_MIB (default 4096), with RM-Tools' QA settings (-l 300 -d 10).
#
#   bench/rmsynth3d-large.sh [SIDE] [WORKDIR] [LIMIT_MIB]
#
# 1. writes the cubes once, plane by plane (numpy + astropy, kept between runs): noise of
#    1 unit per channel plus 64 polarised Gaussian sources with known Faraday depths;
# 2. runs `arrakis rmsynth3d` in a cgroup (v1 `memory.limit_in_bytes` or v2 `memory.max`,
#    page cache included) and reads the cgroup's peak usage and the process's peak RSS;
# 3. checks the peak Faraday depth map at every source's centre against its injected depth;
# 4. prints last
#    rmsynth3d-large: side=.. channels=288 phi=.. seconds=.. peak_rss_mib=.. cgroup_peak_mib=.. limit_mib=.. slabs=.. rm_recovered=../64
# Needs root for the cgroup (without it the run is unconfined, and says so). Disk: about
# 4 x SIDE^2 x (2 x 288 + 3 x 61 + 3 x 123) bytes (19 GB at 2048).
set -euo pipefail
SIDE=${1:-2048}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${2:-/tmp/arrakis-bench-rmsynth3d-large}
LIMIT=${3:-4096}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ -z "${PYTHON:-}" ]; then
  if [ -x /tmp/rmtvenv/bin/python ]; then PYTHON=/tmp/rmtvenv/bin/python; else PYTHON=python3; fi
fi
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
mkdir -p "$WORK"
CUBE=$WORK/cube$SIDE
mkdir -p "$CUBE"
if [ ! -s "$CUBE/U.fits" ] || [ ! -s "$CUBE/truth.txt" ]; then
  echo "writing two $SIDE x $SIDE x 288 cubes to $CUBE (once) ..." >&2
  "$PYTHON" - "$CUBE" "$SIDE" <<'PY'
import sys, os, numpy as np
from astropy.io import fits
out, side = sys.argv[1], int(sys.argv[2])
freqs = np.linspace(800e6, 1088e6, 288)
np.savetxt(os.path.join(out, "freqHz.txt"), freqs)
lam2 = (299792458.0 / freqs) ** 2
rng = np.random.default_rng(7)
n = 64
xs = rng.uniform(40, side - 40, n); ys = rng.uniform(40, side - 40, n)
rms = rng.uniform(-200, 200, n); flux = rng.uniform(30, 100, n); chi0 = rng.uniform(0, np.pi, n)
np.savetxt(os.path.join(out, "truth.txt"), np.column_stack([xs, ys, rms, flux]), header="x y rm flux (0-based pixels)")
# Each source a Gaussian of sigma 3 pixels, drawn in a 25 x 25 box per plane.
yy, xx = np.mgrid[-12:13, -12:13]
for stokes, part in (("Q", np.cos), ("U", np.sin)):
    h = fits.Header()
    h["SIMPLE"] = True; h["BITPIX"] = -32; h["NAXIS"] = 3
    h["NAXIS1"] = side; h["NAXIS2"] = side; h["NAXIS3"] = 288
    for k, v in [("CTYPE1", "RA---SIN"), ("CRVAL1", 187.5), ("CDELT1", -2.5 / 3600), ("CRPIX1", side / 2),
                 ("CTYPE2", "DEC--SIN"), ("CRVAL2", -45.0), ("CDELT2", 2.5 / 3600), ("CRPIX2", side / 2),
                 ("CTYPE3", "FREQ"), ("CRVAL3", freqs[0]), ("CDELT3", freqs[1] - freqs[0]), ("CRPIX3", 1.0),
                 ("CUNIT3", "Hz"), ("BUNIT", "Jy/beam")]:
        h[k] = v
    path = os.path.join(out, stokes + ".fits.part")
    with open(path, "wb") as f:
        f.write(h.tostring().encode())
        for j in range(288):
            plane = rng.standard_normal((side, side), dtype=np.float32)
            for s in range(n):
                x0, y0 = int(xs[s]), int(ys[s])
                g = flux[s] * np.exp(-((xx + x0 - xs[s]) ** 2 + (yy + y0 - ys[s]) ** 2) / (2 * 3.0 ** 2))
                plane[y0 - 12:y0 + 13, x0 - 12:x0 + 13] += (g * part(2 * (chi0[s] + rms[s] * lam2[j]))).astype(np.float32)
            f.write(plane.astype(">f4").tobytes())
        f.write(b"\0" * ((2880 - f.tell() % 2880) % 2880))
    os.replace(path, os.path.join(out, stokes + ".fits"))
PY
fi
cd "$CUBE"
rm -f big_*.fits; sync
echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true

# The cgroup: v1 memory controller or v2, under this process's own group.
GROUP=""
V1=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
V2=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
if [ -w "$V1" ] && mkdir -p "$V1/arrakis-bench-$$" 2>/dev/null; then
  GROUP=$V1/arrakis-bench-$$
  echo $((LIMIT * 1024 * 1024)) > "$GROUP/memory.limit_in_bytes"
  PEAKFILE=$GROUP/memory.max_usage_in_bytes
elif [ -f "$V2/cgroup.controllers" ] && mkdir -p "$V2/arrakis-bench-$$" 2>/dev/null && echo $((LIMIT * 1024 * 1024)) > "$V2/arrakis-bench-$$/memory.max" 2>/dev/null; then
  GROUP=$V2/arrakis-bench-$$
  PEAKFILE=$GROUP/memory.peak
else
  echo "no writable memory cgroup here: the run is NOT confined to $LIMIT MiB" >&2
fi
cleanup() { [ -n "$GROUP" ] && rmdir "$GROUP" 2>/dev/null || true; }
trap cleanup EXIT

t0=$(date +%s.%N)
if [ -n "$GROUP" ]; then
  sh -c "echo \$\$ > '$GROUP/cgroup.procs' && exec /usr/bin/time -f '%M' -o '$WORK/rss.txt' '$ARRAKIS' rmsynth3d Q.fits U.fits --freq freqHz.txt --phi-max 300 --dphi 10 --out-prefix big_" 2> "$WORK/run.log"
  CGPEAK=$(( $(cat "$PEAKFILE") / 1048576 ))
else
  /usr/bin/time -f '%M' -o "$WORK/rss.txt" "$ARRAKIS" rmsynth3d Q.fits U.fits --freq freqHz.txt --phi-max 300 --dphi 10 --out-prefix big_ 2> "$WORK/run.log"
  CGPEAK=unconfined
fi
t1=$(date +%s.%N)
cat "$WORK/run.log" | tail -3 >&2
SECONDS_=$(echo "$t1 - $t0" | bc -l)
RSS=$(( $(tail -1 "$WORK/rss.txt") / 1024 ))
SLABS=$(sed -n 's/.*, \([0-9]*\) slabs\{0,1\} of.*/\1/p' "$WORK/run.log" | tail -1)
PHI=$(sed -n 's/.*-> \([0-9]*\) Faraday depths.*/\1/p' "$WORK/run.log" | tail -1)
RECOVERED=$("$PYTHON" - <<'PY'
import numpy as np
from astropy.io import fits
truth = np.loadtxt("truth.txt")
peak = fits.getdata("big_FDF_peakRM_fit.fits", memmap=True)
peak = peak.reshape(peak.shape[-2], peak.shape[-1])
# Within one Faraday-depth step (10 rad/m^2) at the source centre (sources are >= 30 sigma).
good = sum(abs(float(peak[int(round(y)), int(round(x))]) - rm) < 10 for x, y, rm, _ in truth)
print("%d/%d" % (good, len(truth)))
PY
)
printf "rmsynth3d-large: side=%s channels=288 phi=%s seconds=%.1f peak_rss_mib=%s cgroup_peak_mib=%s limit_mib=%s slabs=%s rm_recovered=%s\n" \
  "$SIDE" "$PHI" "$SECONDS_" "$RSS" "$CGPEAK" "$LIMIT" "$SLABS" "$RECOVERED"
