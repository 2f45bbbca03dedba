#!/usr/bin/env bash
# A new epoch, end to end: simulate a survey with two epochs, build epoch 0 alone, then add
# epoch 1 (its RACS database rows and its cubes), see what the dry run plans and why, build
# it, and check that nothing of epoch 0 was made again.
#
#   examples/epochs/walkthrough.sh [WORKDIR]     (arrakis on PATH, or ARRAKIS=/path/to/arrakis)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ARRAKIS=${ARRAKIS:-$(command -v arrakis || echo "$ROOT/.build/release/arrakis")}
WORK=${1:-$(mktemp -d /tmp/arrakis-epochs.XXXXXX)}
mkdir -p "$WORK"
cd "$WORK"
say() { printf '\n== %s\n' "$*"; }
count() { find work -type f "$@" 2>/dev/null | wc -l | tr -d ' '; }
rows() { cat work/epoch_*/manifests/*."$1".tsv 2>/dev/null | grep -v '^gaussian_id\|^source_id' | wc -l | tr -d ' '; }

say "simulate a 3-field survey with 2 epochs (epoch 1 re-observes every other field)"
rm -rf full survey work .arrakis
"$ARRAKIS" simulate full --fields 3 --epochs 2 --beams 4 --sources 40 >/dev/null 2>&1
cp "$ROOT/Arrakisfile" .
export ARRAKIS_SURVEY=survey ARRAKIS_DATABASE=sqlite:work/pipeline.db

say "epoch 0 only: catalogues, RACS database epoch 0, epoch 0 cubes"
mkdir -p survey/db
cp -r full/catalogues full/truth.csv survey/
cp -r full/db/epoch_0 survey/db/
cp -r full/epoch_0 survey/
"$ARRAKIS" build --progress quiet
echo "built: $(count -name '*.fits') FITS files, $(rows spectra) spectra, $(rows rmclean) RM-CLEAN results"
find work/epoch_0 -type f -printf '%p %T@\n' | sort > epoch0-before.txt

say "nothing to do"
"$ARRAKIS" build --dry-run

say "add epoch 1: its RACS database rows and its cubes arrive"
cp -r full/db/epoch_1 survey/db/
cp -r full/epoch_1 survey/
"$ARRAKIS" build --dry-run | sed -n '/^new work:/,$p'
"$ARRAKIS" graph                       # `--format dot` colours new work green

say "build epoch 1"
"$ARRAKIS" build --progress quiet
echo "now: $(count -name '*.fits') FITS files, $(rows spectra) spectra, $(rows rmclean) RM-CLEAN results"
"$ARRAKIS" status sqlite:work/pipeline.db

say "epoch 0 untouched?"
find work/epoch_0 -type f -printf '%p %T@\n' | sort > epoch0-after.txt
if cmp -s epoch0-before.txt epoch0-after.txt; then
  echo "yes: all $(wc -l < epoch0-after.txt) epoch 0 files keep their modification times"
else
  echo "NO: epoch 0 files changed:"; diff epoch0-before.txt epoch0-after.txt | head; exit 1
fi

say "nothing to do again"
"$ARRAKIS" build --dry-run
echo "(walkthrough directory: $WORK)"
