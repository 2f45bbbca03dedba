#!/usr/bin/env bash
# `arrakis init` at survey scale: a simulated 2,000,000-component catalogue over about
# 1,500 fields x 36 beams, loaded into SQLite. Goal: under 60 s in all on 2 cores.
#
#   bench/init.sh [COMPONENTS] [FIELDS] [WORKDIR]      (defaults 2000000, 1500)
#
# 1. `arrakis simulate --catalogue-only --footprint sky` writes the CSV catalogues, the
#    RACS database and truth.csv (no cubes) into WORKDIR (kept if already there);
# 2. `arrakis init sqlite:WORKDIR/pipeline.db -l -f --json` loads islands, components,
#    beams, fields and beam_inf into a fresh database, timed from outside (wall clock,
#    peak memory) and from inside (phase timings);
# 3. a re-run on the loaded database (every document is an upsert onto a stored one).
# The last line is  init: seconds=<s> rows_per_s=<n> match_s=<s> goal=60 met=<yes|no>
set -euo pipefail
COMPONENTS=${1:-2000000}
FIELDS=${2:-1500}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${3:-$(mktemp -d /tmp/arrakis-bench-init.XXXXXX)}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ -z "${ARRAKIS_NO_BUILD:-}" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
mkdir -p "$WORK"
SURVEY=$WORK/survey
if [ ! -s "$SURVEY/catalogues/RACS-DR1_components.csv" ]; then
  /usr/bin/time -f "simulate: %e s wall, %M KiB peak" \
    "$ARRAKIS" simulate "$SURVEY" --catalogue-only --footprint sky --fields "$FIELDS" --beams 36 \
      --sources "$COMPONENTS" --epochs 1 --force
fi
du -sh "$SURVEY/catalogues" >&2
DB=$WORK/pipeline.db
rm -f "$DB" "$DB-wal" "$DB-shm"
run_init() {
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" \
    "$ARRAKIS" init "sqlite:$DB" -d "$SURVEY" -i "$SURVEY/catalogues/RACS-DR1_islands.csv" \
      -c "$SURVEY/catalogues/RACS-DR1_components.csv" -l -f -e 0 -v --json > "$WORK/report.json"
  cat "$WORK/report.json"
  read -r WALL PEAK < "$WORK/time.txt"
  echo "$1: ${WALL} s wall, $(( PEAK / 1024 )) MiB peak" >&2
}
run_init "init (fresh database)"
FIRST_WALL=$WALL
python3 - "$WORK/report.json" "$FIRST_WALL" <<'PY' > "$WORK/summary.txt"
import json, sys
r = json.load(open(sys.argv[1]))["report"]
wall = float(sys.argv[2])
print(f"loaded {r['islands']} islands, {r['components']} components, {r['beams']} beams, "
      f"{r['fields']} fields, {r['beam_inf']} beam_inf rows = {r['documents']} documents")
print(f"phases: catalogue (read + check + write) {r['catalogue_seconds']:.1f} s, "
      f"match {r['match_seconds']:.1f} s, beams/fields/indexes {r['write_seconds']:.1f} s, "
      f"inside init {r['total_seconds']:.1f} s")
print(f"init: seconds={wall:.1f} rows_per_s={r['documents'] / wall:.0f} match_s={r['match_seconds']:.2f} "
      f"goal=60 met={'yes' if wall < 60 else 'no'}")
PY
run_init "init again (upserts onto the loaded database)"
ls -l "$DB" | awk '{printf "database: %.0f MiB\n", $5/1048576}' >&2
cat "$WORK/summary.txt"
