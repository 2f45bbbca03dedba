#!/usr/bin/env bash
# Sets up (Debian packages, release build) and runs the main job on the bundled example:
# a simulated RACS survey in examples/survey (created when missing) built with ./Arrakisfile.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "building arrakis (release; the first build takes a few minutes on 2 cores)..." >&2
swift build -c release --product arrakis >&2
export PATH="$PWD/.build/release:$PATH"     # the Arrakisfile's shell rules call arrakis
if [ ! -f examples/survey/survey.json ] || [ ! -d examples/survey/ionex ]; then
  # (A survey simulated before the ionosphere existed has no IONEX maps: made again.)
  echo "== arrakis simulate examples/survey --ionosphere" >&2
  arrakis simulate examples/survey --ionosphere --force
fi
echo "== arrakis build" >&2
arrakis build
echo "== the same again: nothing to do" >&2
arrakis build --dry-run
echo "== the graph" >&2
arrakis graph
# One spectrum per component and epoch, from the merged region's per-island manifests.
spectra=$(cat work/epoch_*/regions/*/manifests/*.spectra.tsv | grep -vc '^gaussian_id' || true)
rows=$(grep -c '<TR>' work/catalogue.xml || true)
echo "pipeline database: work/pipeline.db; $spectra spectra under work/epoch_*/cutouts/; truth: examples/survey/truth.csv" >&2
echo "validation plots and report: $PWD/work/validation/index.html" >&2
echo "result: the polarisation catalogue ($rows components, RMTable v1.3): $PWD/work/catalogue.xml (VOTable) and $PWD/work/catalogue.fits (FITS)"
