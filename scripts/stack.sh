#!/usr/bin/env bash
# Starts the development services in the background: FerretDB (MongoDB wire
# protocol over SQLite) and MinIO (S3), bound to 127.0.0.1. Source it, then
# call start_stack DATA_DIR DB_PORT S3_PORT; stop_stack ends them.
# Sets PORTAL_STACK_MONGO_URI, PORTAL_STACK_S3_ENDPOINT, _ACCESS_KEY, _SECRET_KEY.

STACK_PIDS=()

wait_for_port() { # host port seconds name
  local deadline=$((SECONDS + $3))
  until (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; do
    if ((SECONDS > deadline)); then
      echo "$4 did not start on $1:$2 in $3 s; see its log" >&2
      return 1
    fi
    sleep 0.2
  done
}

start_stack() {
  local data=$1 db_port=$2 s3_port=$3
  mkdir -p "$data/db" "$data/s3"
  for p in "$db_port" "$s3_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "port $p on 127.0.0.1 is already in use; stop what uses it or choose other ports" >&2
      return 1
    fi
  done
  ./bin/ferretdb -listen "127.0.0.1:$db_port" -dir "$data/db" >"$data/ferretdb.log" 2>&1 &
  STACK_PIDS+=($!)
  PORTAL_STACK_S3_ACCESS_KEY=portal-dev
  PORTAL_STACK_S3_SECRET_KEY=portal-dev-secret
  MINIO_ROOT_USER=$PORTAL_STACK_S3_ACCESS_KEY MINIO_ROOT_PASSWORD=$PORTAL_STACK_S3_SECRET_KEY \
    MINIO_BROWSER=off MINIO_UPDATE=off \
    ./bin/minio server --quiet --address "127.0.0.1:$s3_port" "$data/s3" >"$data/minio.log" 2>&1 &
  STACK_PIDS+=($!)
  wait_for_port 127.0.0.1 "$db_port" 60 FerretDB || return 1
  wait_for_port 127.0.0.1 "$s3_port" 60 MinIO || return 1
  PORTAL_STACK_MONGO_URI="mongodb://127.0.0.1:$db_port/"
  PORTAL_STACK_S3_ENDPOINT="127.0.0.1:$s3_port"
}

stop_stack() {
  if ((${#STACK_PIDS[@]})); then
    kill "${STACK_PIDS[@]}" 2>/dev/null || true
    wait "${STACK_PIDS[@]}" 2>/dev/null || true
    STACK_PIDS=()
  fi
}

# start_test_stack starts the servers in a temporary folder on the test
# ports, removes both when the script exits, and exports what tests read.
start_test_stack() {
  TEST_STACK_DATA=$(mktemp -d "${TMPDIR:-/tmp}/portal-test.XXXXXX")
  trap 'stop_stack; rm -rf "$TEST_STACK_DATA"' EXIT
  trap 'exit 130' INT TERM
  start_stack "$TEST_STACK_DATA" "${PORTAL_TEST_DB_PORT:-27117}" "${PORTAL_TEST_S3_PORT:-9117}" || return 1
  export PORTAL_TEST_MONGO_URI=$PORTAL_STACK_MONGO_URI
  export PORTAL_TEST_S3_ENDPOINT=$PORTAL_STACK_S3_ENDPOINT
  export PORTAL_TEST_S3_ACCESS_KEY=$PORTAL_STACK_S3_ACCESS_KEY
  export PORTAL_TEST_S3_SECRET_KEY=$PORTAL_STACK_S3_SECRET_KEY
  export PORTAL_TEST_BIN=$PWD/bin
}
