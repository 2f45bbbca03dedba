#!/usr/bin/env bash
# Cutout throughput: the `cutouts` product of one simulated field against the same cutouts
# made with astropy (Cutout2D + header update + writeto), in the same run.
#
#   bench/cutouts.sh [ISLANDS] [NPIX] [BEAMS] [WORKDIR]      (defaults 1300, 128, 36)
#
# 1. `arrakis simulate` writes one field of BEAMS beams (I/Q/U cubes of NPIX x NPIX pixels,
#    36 channels) with about ISLANDS islands (kept in WORKDIR when already there);
# 2. `arrakis build sources` loads it (untimed), then `arrakis build cutouts` (release build)
#    is timed from outside, whole process, each run from nothing (earlier cutouts and
#    manifest moved aside, dirty pages flushed with `sync`);
# 3. bench/cutouts_astropy.py reads the boxes back from arrakis's cutouts (untimed), cuts
#    the same boxes out of the same cubes with astropy, writes them and the weights copies,
#    timed inside Python (imports and box reading excluded); then checks that it wrote as
#    many files as arrakis and that 50 random cutouts have the same pixels and WCS cards.
# Steps 2 and 3 alternate, REPEAT (default 3) times; the best of each is reported.
# arrakis's time includes making every file durable (one syncfs per beam, then renames,
# the pipeline database, the manifest); astropy's does not sync at all.
# The last line is  cutouts: n=<cutouts> arrakis_s=<s> astropy_s=<s> arrakis_per_s=<n> astropy_per_s=<n> ratio=<x> goal=10 met=<yes|no>
set -euo pipefail
ISLANDS=${1:-1300}
NPIX=${2:-128}
BEAMS=${3:-36}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${4:-$(mktemp -d /tmp/arrakis-bench-cutouts.XXXXXX)}
REPEAT=${REPEAT:-3}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ -z "${ARRAKIS_NO_BUILD:-}" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
python3 -c "import astropy" 2>/dev/null || python3 -m pip install --quiet astropy >&2
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SURVEY=$WORK/survey
# One island in five has two components: ask for 1.2 x ISLANDS components.
SOURCES=$(( (ISLANDS * 6 + 4) / 5 ))
if [ ! -s "$SURVEY/survey.json" ]; then
  "$ARRAKIS" simulate "$SURVEY" --fields 1 --epochs 1 --beams "$BEAMS" --npix "$NPIX" --channels 36 \
    --sources "$SOURCES" --force 2>&1 | grep -v '^beams:' >&2
fi
FIELD_DIR=$(ls -d "$SURVEY"/epoch_0/*/ | head -1)
FIELD=$(basename "$FIELD_DIR")
cp "$ROOT/Arrakisfile" "$WORK/Arrakisfile"
export ARRAKIS_SURVEY=$SURVEY
cd "$WORK"
"$ARRAKIS" build sources >&2
MANIFEST=$WORK/work/epoch_0/manifests/$FIELD.cutouts.tsv
CUTOUTS=$WORK/work/epoch_0/cutouts

# Outputs of earlier runs are moved aside, not deleted, until the end: ext4 without a
# journal (this machine's) skips inodes freed in the last minutes when it allocates new
# ones, so deleting 20,000 files just before a run makes the run pay for it.
TRASH=$WORK/trash
mkdir -p "$TRASH"
set_aside() { [ -e "$1" ] && mv "$1" "$TRASH/$(basename "$1").$(date +%s%N)" || true; }
run_arrakis() {
  set_aside "$CUTOUTS"
  set_aside "$MANIFEST"
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$ARRAKIS" build cutouts >&2
  t1=$(date +%s.%N)
  awk "BEGIN{printf \"%.3f\", $t1 - $t0}"
}
run_astropy() {
  set_aside "$WORK/astropy"
  sync
  python3 "$ROOT/bench/cutouts_astropy.py" "$MANIFEST" "$WORK/astropy" --cubes "$FIELD_DIR"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN{print (a == "" || b < a) ? b : a}'; }
# Runs alternate (arrakis, astropy, arrakis, ...) so that both see the same machine when
# others share it; astropy reads its boxes from the cutouts of the arrakis run before it.
best_arrakis=""
best_astropy=""
for run in $(seq "$REPEAT"); do
  s=$(run_arrakis)
  line=$(run_astropy)
  a=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$line")
  echo "run $run: arrakis $s s, astropy $a s (ratio $(awk "BEGIN{printf \"%.1f\", $a / $s}")); $line" >&2
  best_arrakis=$(best "$best_arrakis" "$s")
  best_astropy=$(best "$best_astropy" "$a")
done
N=$(( $(wc -l < "$MANIFEST") - 1 ))
ISL=$(tail -n +2 "$MANIFEST" | cut -f1 | sort -u | wc -l)
FILES=$(find "$CUTOUTS" -type f ! -name '.*' | wc -l)
BYTES=$(find "$CUTOUTS" -type f -name '*.fits' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
A_FILES=$(sed -n 's/.*files=\([0-9]*\).*/\1/p' <<< "$line")
A_BYTES=$(sed -n 's/.*bytes=\([0-9]*\).*/\1/p' <<< "$line")
if [ "$A_FILES" != "$FILES" ]; then
  echo "error: arrakis wrote $FILES files, astropy $A_FILES" >&2
  exit 1
fi
echo "field $FIELD: $ISL islands x $BEAMS beams x I/Q/U -> $N cutouts ($FILES files with the weights copies), $(( BYTES / 1000000 )) MB of FITS; ${NPIX}x${NPIX}-pixel cubes, 36 channels; work dir $WORK"
awk -v n="$N" -v b="$BYTES" -v ab="$A_BYTES" -v s="$best_arrakis" -v a="$best_astropy" 'BEGIN {
  printf "arrakis: %.2f s, %.0f cutouts/s, %.0f MB/s\n", s, n / s, b / s / 1e6
  printf "astropy: %.2f s, %.0f cutouts/s, %.0f MB/s\n", a, n / a, ab / a / 1e6
  printf "cutouts: n=%d arrakis_s=%.2f astropy_s=%.2f arrakis_per_s=%.0f astropy_per_s=%.0f ratio=%.1f goal=10 met=%s\n",
         n, s, a, n / s, n / a, a / s, (a / s >= 10 ? "yes" : "no")
}'
# Last: deleting ~20,000 files per run is slow here (ext4 mounted with discard).
echo "removing the outputs of earlier runs and astropy's..." >&2
rm -rf "$WORK/astropy" "$TRASH"
