#!/usr/bin/env bash
# make mutation: gremlins changes the code that carries the rules one
# operator at a time and runs the tests against each change; a change that
# no test notices ("LIVED") is a rule no test guards. Slow (minutes a
# package); not part of make test. PKGS chooses the packages.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

DATA=$(mktemp -d "${TMPDIR:-/tmp}/portal-mutation.XXXXXX")
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

for pkg in ${PKGS:-./applicants ./alerts ./sessions ./jobs}; do
  echo "== $pkg"
  go run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0 unleash --timeout-coefficient 5 "$pkg"
done
