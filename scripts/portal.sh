#!/usr/bin/env bash
# Runs a portal command against the stack that `make run` started, e.g.
#   scripts/portal.sh ads import demo/new-ads.json
#   scripts/portal.sh ads publish NY-2026-0001
#   scripts/portal.sh staff courses courses.csv
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x ./bin/portal ] || { echo "build the portal first: make run (or make build)" >&2; exit 1; }
export PORT=${PORT:-8080}
export PORTAL_ENV=${PORTAL_ENV:-dev}
export PORTAL_MONGO_URI=${PORTAL_MONGO_URI:-mongodb://127.0.0.1:${PORTAL_DEV_DB_PORT:-27027}/}
export PORTAL_S3_ENDPOINT=${PORTAL_S3_ENDPOINT:-127.0.0.1:${PORTAL_DEV_S3_PORT:-9010}}
export PORTAL_S3_ACCESS_KEY=${PORTAL_S3_ACCESS_KEY:-portal-dev}
export PORTAL_S3_SECRET_KEY=${PORTAL_S3_SECRET_KEY:-portal-dev-secret}
exec ./bin/portal "$@"
