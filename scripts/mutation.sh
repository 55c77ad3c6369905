#!/usr/bin/env bash
# make mutation: gremlins changes the code that carries the rules one
# operator at a time and runs the tests against each change; a change that
# no test notices ("LIVED") is a rule no test guards. Slow (minutes a
# package); not part of make test. PKGS chooses the packages.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

start_test_stack

for pkg in ${PKGS:-./applicants ./credentials ./applications ./alerts ./sessions ./jobs}; do
  echo "== $pkg"
  go run github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0 unleash --timeout-coefficient 5 "$pkg"
done
