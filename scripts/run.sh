#!/usr/bin/env bash
# make run: the portal with demo data on FerretDB and MinIO, data in ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

PORT=${PORT:-8080}
DATA=${PORTAL_DATA_DIR:-./data}
PORTAL_PID=
cleanup() {
  [ -n "$PORTAL_PID" ] && kill "$PORTAL_PID" 2>/dev/null && wait "$PORTAL_PID" 2>/dev/null
  stop_stack
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_stack "$DATA" "${PORTAL_DEV_DB_PORT:-27027}" "${PORTAL_DEV_S3_PORT:-9010}"

export PORT
export PORTAL_ENV=${PORTAL_ENV:-dev}
export PORTAL_MONGO_URI=${PORTAL_MONGO_URI:-$PORTAL_STACK_MONGO_URI}
export PORTAL_S3_ENDPOINT=${PORTAL_S3_ENDPOINT:-$PORTAL_STACK_S3_ENDPOINT}
export PORTAL_S3_ACCESS_KEY=${PORTAL_S3_ACCESS_KEY:-$PORTAL_STACK_S3_ACCESS_KEY}
export PORTAL_S3_SECRET_KEY=${PORTAL_S3_SECRET_KEY:-$PORTAL_STACK_S3_SECRET_KEY}
export PORTAL_UPLOAD_DIR=${PORTAL_UPLOAD_DIR:-$(cd "$DATA" && pwd)/uploads}

./bin/portal seed -if-empty
./bin/portal serve &
PORTAL_PID=$!
echo "The portal runs on http://127.0.0.1:$PORT (e-mail: http://127.0.0.1:$PORT/dev/mail). Ctrl-C stops it."
echo "Staff side: http://127.0.0.1:$PORT/personal/logga-in (text messages: http://127.0.0.1:$PORT/dev/sms)."
echo "Demo staff (demo/organisation.json, Exempelkommunen): erisan01 (Systemförvaltare, the demo's administrator),"
echo "  evaryl01 (Enhetschef with reports), fatali01 (Undersköterska under evaryl01), sofand01 (two employments),"
echo "  sarnys01 (HR-specialist, recruiter for the whole organisation: http://127.0.0.1:$PORT/personal/rekrytering)."
echo "First password: \"Glömt ditt lösenord?\" on the login page, then /dev/mail. Make the administrator, in another terminal:"
PORTAL_SH=scripts/portal.sh
if [ -n "${PORTAL_DEV_DB_PORT:-}${PORTAL_DEV_S3_PORT:-}" ]; then # the stack is not on its usual ports
  PORTAL_SH="PORTAL_DEV_DB_PORT=${PORTAL_DEV_DB_PORT:-27027} PORTAL_DEV_S3_PORT=${PORTAL_DEV_S3_PORT:-9010} $PORTAL_SH"
fi
echo "  $PORTAL_SH staff add-admin erisan01 erik.sandberg@exempelkommunen.se"
wait "$PORTAL_PID"
