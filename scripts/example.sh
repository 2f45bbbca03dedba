#!/usr/bin/env bash
# Sets up (Debian packages, release build) and runs the main job on the bundled example:
# a simulated RACS survey in examples/survey (created when missing) built with ./Arrakisfile.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "building arrakis (release; the first build takes a few minutes on 2 cores)..." >&2
swift build -c release --product arrakis >&2
export PATH="$PWD/.build/release:$PATH"     # the Arrakisfile's shell rules call arrakis
# The example survey: 2 fields x 4 beams, 2 epochs, with the ionosphere, and less noise and
# brighter components than `arrakis simulate`'s defaults, so that its catalogue shows the
# science (27 rows with snr_polint > 10, each within 3 rm_err of truth.csv's RM;
# Tests/CLITests/ExampleSurveyScienceTests.swift checks these options).
survey_options=(--ionosphere --channel-noise 0.0002 --min-flux 0.03)
stamp=examples/survey/simulate-options.txt
if [ ! -f examples/survey/survey.json ] || [ "$(cat "$stamp" 2>/dev/null)" != "${survey_options[*]}" ]; then
  # (A survey simulated with other options, or before they were recorded, is made again:
  # the next build then redoes what its changed inputs affect.)
  echo "== arrakis simulate examples/survey ${survey_options[*]}" >&2
  arrakis simulate examples/survey "${survey_options[@]}" --force
  echo "${survey_options[*]}" > "$stamp"
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
echo "result: the polarisation catalogue ($rows rows: each component in each epoch that observed it; RMTable v1.3): $PWD/work/catalogue.xml (VOTable) and $PWD/work/catalogue.fits (FITS)"
