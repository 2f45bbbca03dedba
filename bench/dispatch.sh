#!/usr/bin/env bash
# Dispatch rate: N trivial shell tasks through arrakis and through ninja, in the same run.
#
#   bench/dispatch.sh N
#
# Each task is `echo <i> > out/<i>.txt`. Both tools start from nothing (no outputs, no
# state) with -j <cores>; the best of 3 wall-clock times is kept. The last line is
#   dispatch N=<N>: arrakis=<s> (<tasks/s>) ninja=<s> (<tasks/s>) ratio=<arrakis/ninja>
set -euo pipefail
N=${1:?usage: bench/dispatch.sh N}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/arrakis-bench-dispatch.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
JOBS=${JOBS:-$(nproc)}
command -v ninja >/dev/null || { echo "bench/dispatch.sh: ninja is not installed (apt-get install ninja-build)" >&2; exit 2; }
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
mkdir -p "$WORK/a" "$WORK/n"
cat > "$WORK/a/Arrakisfile" <<AF
product task {
    for i in range(0, $N)
    output "out/{i}.txt"
    shell "echo {i} > {output}"
}
AF
python3 - "$WORK/n/build.ninja" "$N" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as fh:
    fh.write("rule echo\n  command = echo $i > $out\n")
    for i in range(n):
        fh.write(f"build out/{i}.txt: echo\n  i = {i}\n")
PY

best_of_3() {
  local dir=$1 reset=$2; shift 2
  python3 - "$dir" "$reset" "$@" <<'PY'
import shutil, subprocess, sys, time, os
d, reset, cmd = sys.argv[1], sys.argv[2].split(), sys.argv[3:]
best = None
for _ in range(3):
    for r in reset:
        p = os.path.join(d, r)
        shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else (os.path.exists(p) and os.remove(p))
    t0 = time.perf_counter()
    rc = subprocess.call(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.perf_counter() - t0
    if rc != 0:
        sys.exit(f"{cmd[0]} failed with exit status {rc}")
    best = t if best is None else min(best, t)
print(f"{best:.3f}")
PY
}
NT=$(best_of_3 "$WORK/n" "out .ninja_log .ninja_deps" ninja -j "$JOBS")
AT=$(best_of_3 "$WORK/a" "out .arrakis" "$ARRAKIS" build -j "$JOBS" --progress quiet)
[ "$(ls "$WORK/a/out" | wc -l)" = "$N" ] || { echo "arrakis did not write $N outputs" >&2; exit 1; }
awk -v n="$N" -v a="$AT" -v t="$NT" 'BEGIN {
  printf "dispatch N=%d: arrakis=%.3f (%.0f tasks/s) ninja=%.3f (%.0f tasks/s) ratio=%.2f\n", n, a, n/a, t, n/t, a/t }'
