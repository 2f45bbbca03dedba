#!/usr/bin/env bash
# Installs what the tests need (Debian packages) and runs the whole test suite. The SLURM
# tests submit to a one-node cluster this script starts (scripts/slurm-local.sh) and stops
# when it ends; with ARRAKIS_SLURM_CLUSTER=up they fail, rather than skip, if it does not work.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
swift build --build-tests
export ARRAKIS_SLURM_DIR="${ARRAKIS_SLURM_DIR:-$(mktemp -d /tmp/arrakis-slurm-test.XXXXXX)}"
trap 'scripts/slurm-local.sh stop || true' EXIT
slurm_env="$(scripts/slurm-local.sh start)"
eval "$slurm_env"
export SLURM_CONF ARRAKIS_SLURM_CLUSTER=up
# libmongoc starts in every arrakis process; a PID reused from a killed one would make it
# warn about its /dev/shm counters on the stderr the tests read.
export MONGOC_DISABLE_SHM=1
swift test --skip-build
