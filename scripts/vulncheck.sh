#!/usr/bin/env bash
# make vulncheck: govulncheck against the Go vulnerability database, built
# locally from the golang.org/x/vulndb module at a pinned version (the
# module proxy serves it where vuln.go.dev cannot be reached). Raise
# VULNDB_VERSION to check against newer reports.
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB_VERSION=${VULNDB_VERSION:-v0.0.0-20261105234957-e22db6528018}
VULN_VERSION=${VULN_VERSION:-v1.9.0}

db=$(mktemp -d "${TMPDIR:-/tmp}/portal-vulndb.XXXXXX")
trap 'rm -rf "$db"' EXIT
src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$db/db"
echo "vulnerability database: golang.org/x/vulndb@$VULNDB_VERSION"
go run "golang.org/x/vuln/cmd/govulncheck@$VULN_VERSION" -db "file://$db/db" ./...
