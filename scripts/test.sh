#!/usr/bin/env bash
# make test: FerretDB and MinIO on their own ports and temporary folders,
# every Go test with the race detector, then everything stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

start_test_stack
export PORTAL_TEST_CHROMIUM=${PORTAL_TEST_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

# PKGS narrows the run, e.g. PKGS=./handlers/... make test
if [ -n "${PKGS:-}" ]; then
  exec go test -race -count=1 -timeout 20m "$@" $PKGS
fi
# The browser tests take longest: they start at once, beside the rest,
# instead of waiting for a turn among the packages. Their output follows.
browser_log=$(mktemp "${TMPDIR:-/tmp}/portal-e2e.XXXXXX")
go test -race -count=1 -timeout 20m "$@" ./e2e/ >"$browser_log" 2>&1 &
browser=$!
status=0
go test -race -count=1 -timeout 20m "$@" $(go list ./... | grep -v '^portal/e2e$') || status=$?
wait "$browser" || status=$?
cat "$browser_log"
rm -f "$browser_log"
exit "$status"
