#!/usr/bin/env bash
# make test: FerretDB and MinIO on their own ports and temporary folders,
# every Go test with the race detector, then everything stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

DATA=$(mktemp -d "${TMPDIR:-/tmp}/portal-test.XXXXXX")
cleanup() {
  stop_stack
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_stack "$DATA" "${PORTAL_TEST_DB_PORT:-27117}" "${PORTAL_TEST_S3_PORT:-9117}"
export PORTAL_TEST_MONGO_URI=$PORTAL_STACK_MONGO_URI
export PORTAL_TEST_S3_ENDPOINT=$PORTAL_STACK_S3_ENDPOINT
export PORTAL_TEST_S3_ACCESS_KEY=$PORTAL_STACK_S3_ACCESS_KEY
export PORTAL_TEST_S3_SECRET_KEY=$PORTAL_STACK_S3_SECRET_KEY
export PORTAL_TEST_BIN=$PWD/bin
export PORTAL_TEST_CHROMIUM=${PORTAL_TEST_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}

# PKGS narrows the run, e.g. PKGS=./handlers/... make test
go test -race -count=1 -timeout 20m "$@" ${PKGS:-./...}
