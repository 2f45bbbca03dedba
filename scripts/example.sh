#!/usr/bin/env bash
# Sets up (Debian packages, release build) and runs the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
echo "building arrakis (release; the first build takes a few minutes on 2 cores)..." >&2
swift build -c release --product arrakis >&2
ARRAKIS=.build/release/arrakis
echo "== arrakis build -C examples/shell-demo" >&2
"$ARRAKIS" build -C examples/shell-demo
echo "== the same again: nothing to do" >&2
"$ARRAKIS" build -C examples/shell-demo --dry-run
echo "== the graph" >&2
"$ARRAKIS" graph -C examples/shell-demo
echo "result: examples/shell-demo/summary.txt = $(cat examples/shell-demo/summary.txt) words" >&2
