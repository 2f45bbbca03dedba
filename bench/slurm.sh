#!/usr/bin/env bash
# SLURM dispatch: N trivial shell tasks through `arrakis build --executor slurm` on a real
# cluster (the one SLURM_CONF points at, else a one-node cluster started here with
# scripts/slurm-local.sh and stopped at the end).
#
#   bench/slurm.sh N                   e.g. bench/slurm.sh 10000
#   MIN_JOBS=4 MAX_JOBS=64 TASKS_PER_JOB=100 bench/slurm.sh 10000   (passed on as --min-jobs ...)
#
# Each task is `echo <i> > out/<i>.txt`; the build starts from nothing (no history, so the
# batch size comes from the work waiting). The last line is
#   slurm N=<N>: sbatch=<calls> elements=<array elements> wall=<s> rate=<tasks/s> goal: sbatch <= <N/1000>
set -euo pipefail
N=${1:?usage: bench/slurm.sh N}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d /tmp/arrakis-bench-slurm.XXXXXX)
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
started_cluster=""
cleanup() {
  rm -rf "$WORK"
  if [ -n "$started_cluster" ]; then ARRAKIS_SLURM_DIR="$started_cluster" "$ROOT/scripts/slurm-local.sh" stop; fi
}
trap cleanup EXIT
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
if [ -z "${SLURM_CONF:-}" ] || ! sinfo -h >/dev/null 2>&1; then
  started_cluster=$(mktemp -d /tmp/arrakis-slurm-bench.XXXXXX)
  eval "$(ARRAKIS_SLURM_DIR="$started_cluster" "$ROOT/scripts/slurm-local.sh" start)"
  export SLURM_CONF
fi
mkdir -p "$WORK/a"
cat > "$WORK/a/Arrakisfile" <<AF
product task {
    for i in range(0, $N)
    output "out/{i}.txt"
    shell "echo {i} > {output}"
}
AF
args=(build --executor slurm --progress quiet --history off)
[ -n "${MIN_JOBS:-}" ] && args+=(--min-jobs "$MIN_JOBS")
[ -n "${MAX_JOBS:-}" ] && args+=(--max-jobs "$MAX_JOBS")
[ -n "${TASKS_PER_JOB:-}" ] && args+=(--tasks-per-job "$TASKS_PER_JOB")
[ -n "${POLL:-}" ] && args+=(--poll "$POLL")
t0=$(date +%s.%N)
(cd "$WORK/a" && ARRAKIS_SLURM_STATS=1 "$ARRAKIS" "${args[@]}") 2> "$WORK/stderr" || { cat "$WORK/stderr" >&2; exit 1; }
t1=$(date +%s.%N)
[ "$(ls "$WORK/a/out" | wc -l)" = "$N" ] || { echo "arrakis did not write $N outputs" >&2; cat "$WORK/stderr" >&2; exit 1; }
calls=$(sed -n 's/.*slurm: \([0-9]*\) sbatch call.*/\1/p' "$WORK/stderr")
elements=$(awk '{for (i = 1; i < NF; i++) if ($i == "elements") s += $(i + 1)} END {print s + 0}' "$WORK/a/.arrakis/slurm/submissions.log")
awk -v n="$N" -v c="$calls" -v e="$elements" -v t0="$t0" -v t1="$t1" 'BEGIN {
  w = t1 - t0
  printf "slurm N=%d: sbatch=%d elements=%d wall=%.1fs rate=%.0f tasks/s goal: sbatch <= %d%s\n", n, c, e, w, n / w, (n >= 1000 ? n / 1000 : 1), (c <= (n >= 1000 ? n / 1000 : 1) ? " (met)" : " (NOT met)")
}'
