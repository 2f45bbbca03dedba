#!/usr/bin/env bash
# Dispatch rate: N trivial shell tasks through arrakis and through ninja, in the same run.
#
#   bench/dispatch.sh N
#
# Each task is `echo <i> > out/<i>.txt`. Both tools start from nothing (no outputs, no
# state) with -j <cores>; the best of 3 wall-clock times is kept (runs alternate between
# the tools). The last line is
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

# Best of 3 for each tool, the runs alternating (ninja, arrakis, ninja, ...) so both see the
# same machine. Between runs a tool's outputs and state are moved aside, not deleted: ext4
# skips inodes freed in the last minute when it allocates new ones, so deleting thousands
# of files just before a run slows that run's file creation (whichever tool runs after the
# deletions pays, up to 15% of its time here). Everything is deleted at the end.
read -r NT AT < <(python3 - "$WORK" "$JOBS" "$ARRAKIS" <<'PY'
import os, subprocess, sys, time
work, jobs, arrakis = sys.argv[1], sys.argv[2], sys.argv[3]
tools = [("n", ["out", ".ninja_log", ".ninja_deps"], ["ninja", "-j", jobs]),
         ("a", ["out", ".arrakis"], [arrakis, "build", "-j", jobs, "--progress", "quiet"])]
best = {}
trash = os.path.join(work, "trash")
os.makedirs(trash, exist_ok=True)
for run in range(3):
    for name, state, cmd in tools:
        d = os.path.join(work, name)
        for r in state:
            p = os.path.join(d, r)
            if os.path.exists(p):
                os.rename(p, os.path.join(trash, f"{name}-{run}-{r.strip('.')}"))
        t0 = time.perf_counter()
        rc = subprocess.call(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        if rc != 0:
            sys.exit(f"{cmd[0]} failed with exit status {rc}")
        best[name] = min(best.get(name, t), t)
print(f"{best['n']:.3f} {best['a']:.3f}")
PY
)
[ "$(ls "$WORK/a/out" | wc -l)" = "$N" ] || { echo "arrakis did not write $N outputs" >&2; exit 1; }
awk -v n="$N" -v a="$AT" -v t="$NT" 'BEGIN {
  printf "dispatch N=%d: arrakis=%.3f (%.0f tasks/s) ninja=%.3f (%.0f tasks/s) ratio=%.2f\n", n, a, n/a, t, n/t, a/t }'
