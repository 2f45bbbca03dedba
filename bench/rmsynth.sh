#!/usr/bin/env bash
# RM synthesis + RM-CLEAN throughput: RM-Tools 1.5.0 against `arrakis rmsynth`, on the same
# spectra, in the same run, with the pipeline's settings (polyOrd 3, log fit, nSamples 5,
# variance weights, nBits 32, RM-CLEAN cutoff -8 sigma, gain 0.1, maxIter 10000).
#
#   bench/rmsynth.sh [N] [JOBS] [WORKDIR]      (default 1000 spectra, 2 jobs)
#
# 1. writes N synthetic spectra (mixed RACS-like bands: 288 x 1 MHz, 144 x 2 MHz, 36 x 8 MHz,
#    FDF S/N 5-300) with bench/rmsynth_bench.py,
# 2. runs RM-Tools' run_rmsynth + run_rmclean over them in JOBS Python processes (timed after
#    the workers have imported RM-Tools: the processing only),
# 3. runs `arrakis rmsynth --batch LIST --clean --json-lines -j JOBS` (timed whole: process
#    start, reading every file, writing every result),
# 4. prints spectra/s for each, the ratio, and how closely the two agree.
# The last line is  rmsynth: arrakis=<spectra/s> rmtools=<spectra/s> ratio=<arrakis/rmtools>
set -euo pipefail
N=${1:-1000}
JOBS=${2:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${3:-$(mktemp -d /tmp/arrakis-bench-rmsynth.XXXXXX)}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
PY=${PYTHON:-python3}
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
if ! "$PY" -c "import RMtools_1D, importlib.metadata as m; assert m.version('rm-tools') == '1.5.0'" 2>/dev/null; then
  echo "installing rm-tools 1.5.0 (for this bench only)..." >&2
  "$PY" -m pip install --quiet "rm-tools==1.5.0" >&2
fi
mkdir -p "$WORK"
if [ ! -s "$WORK/spectra/list.txt" ] || [ "$(wc -l < "$WORK/spectra/list.txt")" -ne "$N" ]; then
  echo "writing $N spectra to $WORK/spectra ..." >&2
  rm -rf "$WORK/spectra"
  "$PY" "$ROOT/bench/rmsynth_bench.py" make "$WORK/spectra" "$N" 1
fi

echo "RM-Tools 1.5.0, $JOBS processes ..." >&2
RMT=$("$PY" "$ROOT/bench/rmsynth_bench.py" rmtools "$WORK/spectra/list.txt" "$JOBS" "$WORK/rmtools.jsonl" | sed -n 's/^rmtools_seconds=//p')

echo "arrakis rmsynth --batch, $JOBS threads ..." >&2
ARR=$("$PY" "$ROOT/bench/rmsynth_bench.py" arrakis "$ARRAKIS" "$WORK/spectra/list.txt" "$JOBS" "$WORK/arrakis.jsonl" | sed -n 's/^arrakis_seconds=//p')

"$PY" "$ROOT/bench/rmsynth_bench.py" compare "$WORK/rmtools.jsonl" "$WORK/arrakis.jsonl"
"$PY" - "$N" "$RMT" "$ARR" <<'PY'
import sys
n, rmt, arr = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print("RM-Tools 1.5.0 : %8.3f s  %10.1f spectra/s" % (rmt, n / rmt))
print("arrakis rmsynth: %8.3f s  %10.1f spectra/s  (best of 3, whole process)" % (arr, n / arr))
print("rmsynth: arrakis=%.1f rmtools=%.2f ratio=%.1f" % (n / arr, n / rmt, rmt / arr))
PY
