#!/usr/bin/env bash
# Cutout-style window reads of a large cube against a sequential read of the same file,
# measured in the same run.
#
#   bench/fits.sh [SIZE_MB] [WORKDIR]      (default 2048 MB)
#
# Writes a float32 cube (RA, DEC, STOKES=1, FREQ) of about SIZE_MB, then
#   1. reads it once sequentially with dd (bs=4M) -> MB/s,
#   2. reads random 64x64-pixel windows through every channel with `arrakis fits windows`
#      (what a cutout does: one short row segment per channel and row) -> MB/s of pixels.
# Both run on a warm page cache (each reads the file once before timing) unless the
# machine lets us drop caches, in which case both are also measured cold.
# The last line is  fits: windows=<MB/s> dd=<MB/s> ratio=<windows/dd>
set -euo pipefail
SIZE_MB=${1:-2048}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${2:-$(mktemp -d /tmp/arrakis-bench-fits.XXXXXX)}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
mkdir -p "$WORK"
CUBE=$WORK/cube.fits
CHANNELS=128
# NAXIS1 = NAXIS2 = N with N*N*CHANNELS*4 bytes ~ SIZE_MB
N=$(python3 -c "import math; print(int(math.sqrt($SIZE_MB*1024*1024/($CHANNELS*4))))")
if [ ! -s "$CUBE" ]; then
  echo "writing a ${N}x${N}x1x${CHANNELS} float32 cube ($(( N*N*CHANNELS*4/1024/1024 )) MiB) to $CUBE ..." >&2
  python3 - "$CUBE" "$N" "$CHANNELS" <<'PY'
import os, struct, sys, random
path, n, nchan = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cards = [("SIMPLE", "T"), ("BITPIX", "-32"), ("NAXIS", "4"), ("NAXIS1", str(n)), ("NAXIS2", str(n)),
         ("NAXIS3", "1"), ("NAXIS4", str(nchan)), ("CTYPE1", "'RA---SIN'"), ("CTYPE2", "'DEC--SIN'"),
         ("CTYPE3", "'STOKES'"), ("CTYPE4", "'FREQ'"), ("BUNIT", "'Jy/beam'")]
header = "".join(f"{k:<8}= {v:>20}".ljust(80) for k, v in cards) + "END".ljust(80)
header = header.ljust((len(header) + 2879) // 2880 * 2880)
rng = random.Random(1)
plane_values = [rng.gauss(0, 1e-3) for _ in range(n)]
row = struct.pack(f">{n}f", *plane_values)          # one row of big-endian floats, reused
tmp = path + ".tmp"
with open(tmp, "wb") as fh:
    fh.write(header.encode())
    block = row * 64
    rows = n * nchan
    for i in range(0, rows, 64):
        fh.write(block if i + 64 <= rows else row * (rows - i))
    size = fh.tell() - len(header)
    fh.write(b"\0" * ((2880 - size % 2880) % 2880))
os.replace(tmp, path)
PY
fi
BYTES=$(stat -c %s "$CUBE")

dd_rate() {  # MB/s of a sequential read
  local t0 t1
  t0=$(date +%s.%N); dd if="$CUBE" of=/dev/null bs=4M status=none; t1=$(date +%s.%N)
  awk "BEGIN{printf \"%.1f\", $BYTES/($t1-$t0)/1e6}"
}
windows_rate() {
  "$ARRAKIS" fits windows "$CUBE" --size 64 --count "${WINDOWS:-300}" | sed -n 's/.*MBps=\([0-9.]*\).*/\1/p'
}

cold=""
if sync && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
  DC=$(dd_rate)
  echo 3 > /proc/sys/vm/drop_caches
  WC=$(windows_rate)
  cold="cold cache: windows=${WC}MB/s dd=${DC}MB/s"
  echo "$cold"
else
  echo "(cannot drop the page cache here: measuring warm-cache reads only)"
fi
dd if="$CUBE" of=/dev/null bs=4M status=none   # warm the cache for both
DW=$(dd_rate)
WW=$(windows_rate)
echo "cube: $CUBE ($BYTES bytes, ${N}x${N}x1x${CHANNELS}); windows: 64x64 px x ${CHANNELS} channels"
echo "fits: windows=${WW} dd=${DW} ratio=$(awk "BEGIN{printf \"%.3f\", $WW/$DW}")"
