#!/usr/bin/env bash
# Planning cost of new work on a large survey (issue 9): does planning grow with the new
# work, or with the survey?
#
#   bench/epochs.sh [FIELDS] [WORKDIR]          (default 50 fields)
#
# Simulates a survey of FIELDS+1 fields (1 beam, few sources, tiny cubes, so that the
# pipeline itself is cheap), builds it with one field held back, then times, best of 3:
#   noop   arrakis build --dry-run on the built survey (nothing to do: a full no-op plan)
#   plan   arrakis build --dry-run after the held-back field arrives (its cubes and its
#          RACS database row): what a user sees before building the new field
# and the build of the new field itself. The last line is
#   epochs fields=<N>: noop=<s> plan=<s> ratio=<plan/noop> planned=<P> new=<P> built=<P> of <total>
# planned: what the dry run lists (the new field's products, and everything downstream of
# the epoch's `sources`, which the new row re-runs: "upstream will be rebuilt"); new: the
# dry run's "new work" (products never built); built: what the build actually ran (early
# cutoff spares the fields whose tables `sources` rewrote unchanged).
set -euo pipefail
FIELDS=${1:-50}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${2:-$(mktemp -d /tmp/arrakis-bench-epochs.XXXXXX)}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
export PATH="$(dirname "$ARRAKIS"):$PATH"
cd "$WORK"
rm -rf full survey work .arrakis held
total_fields=$((FIELDS + 1))
echo "simulating $total_fields fields in $WORK ..." >&2
"$ARRAKIS" simulate full --ionosphere --fields "$total_fields" --epochs 1 --beams 1 --sources $((total_fields * 4)) \
  --channels 8 --npix 32 >/dev/null 2>&1
cp "$ROOT/Arrakisfile" .
export ARRAKIS_SURVEY=survey ARRAKIS_DATABASE=sqlite:work/pipeline.db

# The survey without its last field: no cubes, no RACS database row or beam table.
cp -r full survey
last=$(ls survey/epoch_0 | sort | tail -1)
mkdir held
mv "survey/epoch_0/$last" held/
python3 - survey/db/epoch_0/field_data.csv "$last" <<'PY'
import csv, sys
path, field = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(path)))
name = rows[0].index("FIELD_NAME")
keep = [rows[0]] + [r for r in rows[1:] if r[name].replace("_test4_1.05_", "_") != field]
assert len(keep) < len(rows), f"{field} not in {path}"
csv.writer(open(path, "w", newline=""), lineterminator="\n").writerows(keep)
PY
rm -f survey/db/epoch_0/beam_inf_*-"${last/RACS_/RACS_test4_1.05_}".csv survey/db/epoch_0/beam_inf_*-"$last".csv

echo "building $FIELDS fields ..." >&2
start=$(date +%s.%N)
"$ARRAKIS" build --progress quiet -j "$(nproc)"
echo "full build of $FIELDS fields: $(echo "$(date +%s.%N) - $start" | bc) s" >&2

best() {   # best wall time of 3 runs of "$@" (output discarded)
  local b=""
  for _ in 1 2 3; do
    local s e t
    s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc)
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
  done
  echo "$b"
}
noop=$(best "$ARRAKIS" build --dry-run --json)
test "$("$ARRAKIS" build --dry-run --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["count"])')" = 0

echo "adding field $last ..." >&2
cp -r full/db/epoch_0/field_data.csv survey/db/epoch_0/
cp full/db/epoch_0/beam_inf_*-"${last/RACS_/RACS_test4_1.05_}".csv survey/db/epoch_0/ 2>/dev/null || cp full/db/epoch_0/beam_inf_*-"$last".csv survey/db/epoch_0/
mv "held/$last" survey/epoch_0/
plan=$(best "$ARRAKIS" build --dry-run --json)
read -r planned new < <("$ARRAKIS" build --dry-run --json | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p["count"], sum(g["count"] for g in p["new"]))')
"$ARRAKIS" build --dry-run | sed -n '/^new work:/,$p' >&2

start=$(date +%s.%N)
"$ARRAKIS" build --progress plain -j "$(nproc)" > build-new-field.log 2>&1
summary=$(grep ' built' build-new-field.log | tail -1)
echo "build after adding $last: $(echo "$(date +%s.%N) - $start" | bc) s ($summary)" >&2
built=$(echo "$summary" | sed -n "s/^arrakis: \([0-9]*\) built.*/\1/p")
total=$("$ARRAKIS" build --dry-run | sed -n 's/.*(\([0-9]*\) products* up to date).*/\1/p')
ratio=$(echo "scale=2; $plan / $noop" | bc)
echo "epochs fields=$FIELDS: noop=${noop}s plan=${plan}s ratio=$ratio planned=$planned new=$new built=${built:-?} of ${total:-?}"
