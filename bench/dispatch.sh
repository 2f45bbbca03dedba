#!/usr/bin/env bash
# Dispatch rate: N trivial shell tasks through arrakis and through ninja, in the same run.
#
#   bench/dispatch.sh N
#
# Each task is `echo <i> > out/<i>.txt`. Both tools start from nothing (no outputs, no
# state) with -j <cores>. RUNS rounds (default 5) alternate between the tools, the order
# swapped every round; the best wall-clock time of each tool is kept. The last two lines are
#   rounds: arrakis/ninja per round <r1> <r2> ... (median <m>)
#   dispatch N=<N>: arrakis=<s> (<tasks/s>) ninja=<s> (<tasks/s>) ratio=<arrakis/ninja> peak memory: arrakis=<MiB> ninja=<MiB>
#
# BENCH_DIR (default /tmp) is where the work directory is made: BENCH_DIR=/dev/shm times
# process dispatch alone, on tmpfs. On an ext4 file system without a journal (this
# machine's), creating a file scans past every inode freed in the last 1-6 minutes, inside
# the directory's lock: a run soon after many deletions (an earlier bench, a test suite)
# is slower, and more so for arrakis, which also renames each output into place.
set -euo pipefail
N=${1:?usage: bench/dispatch.sh N}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/arrakis-bench-dispatch.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
JOBS=${JOBS:-$(nproc)}
RUNS=${RUNS:-5}
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

# Rounds alternate the tools (ninja then arrakis, then arrakis then ninja, ...) so both see
# the same machine. Between runs a tool's outputs and state are moved aside, not deleted
# (see above: deleting thousands of files just before a run slows that run's file
# creation). Everything is deleted at the end.
read -r NT AT NM AM ROUNDS < <(python3 - "$WORK" "$JOBS" "$ARRAKIS" "$RUNS" <<'PY'
import os, statistics, subprocess, sys, time
work, jobs, arrakis, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
tools = [("n", ["out", ".ninja_log", ".ninja_deps"], ["ninja", "-j", jobs]),
         ("a", ["out", ".arrakis"], [arrakis, "build", "-j", jobs, "--progress", "quiet"])]
times = {"n": [], "a": []}
peak = {"n": 0, "a": 0}   # MiB: the largest resident set of the tool's own process over its runs
trash = os.path.join(work, "trash")
os.makedirs(trash, exist_ok=True)
for run in range(runs):
    for name, state, cmd in (tools if run % 2 == 0 else tools[::-1]):
        d = os.path.join(work, name)
        for r in state:
            p = os.path.join(d, r)
            if os.path.exists(p):
                os.rename(p, os.path.join(trash, f"{name}-{run}-{r.strip('.')}"))
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        t = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            sys.exit(f"{cmd[0]} failed with exit status {rc}")
        times[name].append(t)
        peak[name] = max(peak[name], usage.ru_maxrss // 1024)
ratios = [a / n for a, n in zip(times["a"], times["n"])]
print(f"{min(times['n']):.3f} {min(times['a']):.3f} {peak['n']} {peak['a']} " + ",".join(f"{r:.2f}" for r in ratios) + f",median={statistics.median(ratios):.2f}")
PY
)
[ "$(ls "$WORK/a/out" | wc -l)" = "$N" ] || { echo "arrakis did not write $N outputs" >&2; exit 1; }
echo "rounds: arrakis/ninja per round ${ROUNDS//,/ }" | sed 's/ median=\(.*\)/ (median \1)/'
awk -v n="$N" -v a="$AT" -v t="$NT" -v am="$AM" -v nm="$NM" 'BEGIN {
  printf "dispatch N=%d: arrakis=%.3f (%.0f tasks/s) ninja=%.3f (%.0f tasks/s) ratio=%.2f peak memory: arrakis=%dMiB ninja=%dMiB\n", n, a, n/a, t, n/t, a/t, am, nm }'
