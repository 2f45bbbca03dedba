#!/usr/bin/env bash
# The ionospheric correction of one field: the `frion` product against the original's FRion
# stage in Python (FRion 1.1.5 / RMextract 0.5.1, offline on the same IONEX files), in the
# same run.
#
#   bench/frion.sh [SOURCES] [WORKDIR]      (default 600 components)
#
# 1. `arrakis simulate --ionosphere` writes one field (4 beams, 36 channels) with SOURCES
#    components and the IONEX maps of its scan's day; `arrakis build spectra` extracts the
#    spectra (untimed).
# 2. `arrakis build frion` (release build) is timed from outside, whole process, each run from
#    nothing (its corrected spectra, modulation files and manifest moved aside): per island,
#    RM_ion(t) and theta; per component, the corrected spectrum; the database records.
# 3. bench/frion_python.py does the same with FRion per island (as the original calls it) and
#    numpy per component, timed inside Python (imports and input reading excluded).
# Steps 2 and 3 alternate, REPEAT (default 3) times; the best of each is reported.
# The last line is  frion: arrakis=<s> frion=<s> ratio=<frion/arrakis> goal=20 met=<yes|no>
set -euo pipefail
SOURCES=${1:-600}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${2:-$(mktemp -d /tmp/arrakis-bench-frion.XXXXXX)}
REPEAT=${REPEAT:-3}
ARRAKIS=${ARRAKIS:-$ROOT/.build/release/arrakis}
if [ -z "${ARRAKIS_NO_BUILD:-}" ]; then
  echo "building arrakis (release)..." >&2
  (cd "$ROOT" && swift build -c release --product arrakis >&2)
fi
python3 -c "import FRion.predict, astropy" 2>/dev/null || "$ROOT/scripts/install-deps.sh" --test >&2
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
SURVEY=$WORK/survey
if [ ! -s "$SURVEY/survey.json" ]; then
  "$ARRAKIS" simulate "$SURVEY" --fields 1 --epochs 1 --beams 4 --npix 96 --channels 36 \
    --sources "$SOURCES" --ionosphere --force 2>&1 | grep -v '^beams:' >&2
fi
FIELD=$(basename "$(ls -d "$SURVEY"/epoch_0/*/ | head -1)")
cp "$ROOT/Arrakisfile" "$WORK/Arrakisfile"
export ARRAKIS_SURVEY=$SURVEY ARRAKIS_DATABASE=sqlite:work/pipeline.db
cd "$WORK"
"$ARRAKIS" build spectra >&2
SPECTRA=$WORK/work/epoch_0/manifests/$FIELD.spectra.tsv
MANIFEST=$WORK/work/epoch_0/manifests/$FIELD.frion.tsv
TRASH=$WORK/trash
mkdir -p "$TRASH"
set_aside() { [ -e "$1" ] && mv "$1" "$TRASH/$(basename "$1").$(date +%s%N)" || true; }
run_arrakis() {
  set_aside "$MANIFEST"
  set_aside "$MANIFEST.inputs"
  find "$WORK/work/epoch_0/cutouts" \( -name '*.ion.dat' -o -name '*_ion.txt' \) -delete
  sync
  local t0 t1
  t0=$(date +%s.%N)
  "$ARRAKIS" build frion >&2
  t1=$(date +%s.%N)
  awk "BEGIN{printf \"%.3f\", $t1 - $t0}"
}
run_python() {
  set_aside "$WORK/python"
  sync
  python3 "$ROOT/bench/frion_python.py" "$SPECTRA" "$SURVEY/catalogues/RACS-DR1_islands.fits" \
    "$SURVEY/db/epoch_0/field_data.csv" "$FIELD" "$SURVEY/ionex" "$WORK/python"
}
best() { awk -v a="$1" -v b="$2" 'BEGIN{print (a == "" || b < a) ? b : a}'; }
best_arrakis=""
best_python=""
for run in $(seq "$REPEAT"); do
  s=$(run_arrakis)
  line=$(run_python)
  p=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$line")
  echo "run $run: arrakis $s s; $line" >&2
  best_arrakis=$(best "$best_arrakis" "$s")
  best_python=$(best "$best_python" "$p")
done
components=$(grep -vc '^gaussian_id' "$MANIFEST")
ours=$(awk -F'\t' 'NR > 1 { s += $8; n++ } END { printf "%.4f", s / n }' "$MANIFEST")
echo "components: $components; mean rm_ion: arrakis $ours, FRion $(sed -n 's/.*mean_rm=\([-0-9.]*\).*/\1/p' <<< "$line") rad/m^2" >&2
awk -v a="$best_arrakis" -v p="$best_python" 'BEGIN{r = p / a; printf "frion: arrakis=%.3f frion=%.3f ratio=%.1f goal=20 met=%s\n", a, p, r, (r >= 20 ? "yes" : "no")}'
