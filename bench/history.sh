#!/usr/bin/env bash
# Run-history load: 100 concurrent producers record 100 task records per second in total
# into a PostgreSQL history for DURATION seconds (default 600, the acceptance run), through
# one HistoryRecorder as a build does. Then the run's rows are counted on the server.
#
#   bench/history.sh                 # 10 minutes
#   DURATION=60 bench/history.sh     # a quick run
#   RATE=100 PRODUCERS=100 BURST=20000 DURATION=600 bench/history.sh
#
# A throwaway server is started with scripts/pg-test-server.sh (loopback, random port) and
# removed afterwards. Every second while records are produced, pg_stat_activity is sampled
# for sessions of application_name 'arrakis-history' (the recorder's; psql's are not counted). The last line is
#   history: DURATION=<s> RATE=<r>/s PRODUCERS=<n>: produced <N>, stored <N>, missing <0>,
#   <records/s> records/s; history sessions min <1> max <1> over <k> samples; <burst line>
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-600}
RATE=${RATE:-100}
PRODUCERS=${PRODUCERS:-100}
BURST=${BURST:-20000}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
WORK=$(mktemp -d /tmp/arrakis-bench-history.XXXXXX)
chmod 755 "$WORK"  # the server runs as another user when we are root
PG="$WORK/pg"
cleanup() {
  [ -n "${MONITOR:-}" ] && kill "$MONITOR" 2>/dev/null || true
  "$ROOT/scripts/pg-test-server.sh" stop "$PG" || true
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ ! -x "$ARRAKIS" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
command -v psql >/dev/null || { echo "bench/history.sh: psql is needed (apt-get install postgresql-client)" >&2; exit 2; }

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$ROOT/scripts/pg-test-server.sh" start "$PG" "$PORT"
# The password goes through the environment, never a command line.
export PGPASSWORD ARRAKIS_DB_PASSWORD
PGPASSWORD=$(cat "$PG/superuser.pw")
ARRAKIS_DB_PASSWORD=$PGPASSWORD
psql -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "CREATE DATABASE arrakis_bench"
URL="postgresql://postgres@127.0.0.1:$PORT/arrakis_bench"

OUT="$WORK/bench.out"
: > "$OUT"
# Sample the history sessions while records are produced (the bench keeps spool/producing then).
(
  while [ ! -e "$WORK/spool/producing" ] && ! grep -q '^history bench:' "$OUT" 2>/dev/null; do sleep 0.1; done
  while [ -e "$WORK/spool/producing" ]; do
    psql -Atq -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
      -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'arrakis-history'" >> "$WORK/sessions" 2>/dev/null || true
    sleep 1
  done
) &
MONITOR=$!

echo "bench/history.sh: DURATION=${DURATION}s RATE=${RATE}/s PRODUCERS=$PRODUCERS BURST=$BURST into $URL" >&2
"$ARRAKIS" bench-history --history "$URL" --rate "$RATE" --seconds "$DURATION" --producers "$PRODUCERS" \
  --burst "$BURST" --spool "$WORK/spool" | tee "$OUT"
wait "$MONITOR" 2>/dev/null || true
MONITOR=

SESSIONS=$(sort -n "$WORK/sessions" | awk 'NR==1{min=$1} {max=$1; n++} END{printf "min %d max %d over %d samples", min, max, n}')
MAIN=$(grep '^history bench:' "$OUT")
BURSTLINE=$(grep '^history burst:' "$OUT" || true)
PRODUCED=$(sed -E 's/.*produced ([0-9]+).*/\1/' <<<"$MAIN")
STORED=$(sed -E 's/.*stored ([0-9]+).*/\1/' <<<"$MAIN")
MISSING=$(sed -E 's/.*missing (-?[0-9]+).*/\1/' <<<"$MAIN")
PERSEC=$(sed -E 's/.*; ([0-9.]+) records\/s.*/\1/' <<<"$MAIN")
echo "history: DURATION=${DURATION}s RATE=${RATE}/s PRODUCERS=$PRODUCERS: produced $PRODUCED, stored $STORED, missing $MISSING, $PERSEC records/s; history sessions $SESSIONS; ${BURSTLINE#history }"
[ "$MISSING" = 0 ]
