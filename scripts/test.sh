#!/usr/bin/env bash
# make test: FerretDB and MinIO on their own ports and temporary folders,
# every Go test with the race detector, then everything stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

start_test_stack
export PORTAL_TEST_CHROMIUM=${PORTAL_TEST_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

# PKGS narrows the run, e.g. PKGS=./handlers/... make test
go test -race -count=1 -timeout 40m "$@" ${PKGS:-./...}
