#!/usr/bin/env bash
# make bench: a portal holding 1,000 open ads on FerretDB, loaded with wrk
# at 50 connections; prints requests/s and p50/p99 per page beside a
# trivial route of the same binary measured in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/stack.sh

command -v wrk >/dev/null || { echo "make bench needs wrk: apt-get install wrk" >&2; exit 1; }
DURATION=${BENCH_DURATION:-10s}
CONNS=${BENCH_CONNECTIONS:-50}
PORT=${BENCH_PORT:-8099}
DATA=$(mktemp -d "${TMPDIR:-/tmp}/portal-bench.XXXXXX")
PORTAL_PID=
cleanup() {
  [ -n "$PORTAL_PID" ] && kill "$PORTAL_PID" 2>/dev/null && wait "$PORTAL_PID" 2>/dev/null
  stop_stack
  rm -rf "$DATA"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_stack "$DATA" "${BENCH_DB_PORT:-27217}" "${BENCH_S3_PORT:-9217}"
export PORT PORTAL_ENV=dev PORTAL_LOG_FORMAT=json PORTAL_MONGO_DB=bench
export PORTAL_MONGO_URI=$PORTAL_STACK_MONGO_URI PORTAL_S3_ENDPOINT=$PORTAL_STACK_S3_ENDPOINT
export PORTAL_S3_ACCESS_KEY=$PORTAL_STACK_S3_ACCESS_KEY PORTAL_S3_SECRET_KEY=$PORTAL_STACK_S3_SECRET_KEY
export PORTAL_UPLOAD_DIR=$DATA/uploads

./bin/portal seed -ads 1000 -open 2>"$DATA/seed.log"
./bin/portal serve 2>"$DATA/portal.log" &
PORTAL_PID=$!
wait_for_port 127.0.0.1 "$PORT" 30 portal
BASE="http://127.0.0.1:$PORT"
AD=$(curl -fsS "$BASE/sitemap.xml" | grep -o '/jobb/EXK-[0-9-]*' | sed -n 1p)
OPEN=$(curl -fsS "$BASE/jobb/feed.json" | grep -c '"url": "http://127.0.0.1:'"$PORT"'/jobb/EXK' || true)
echo "open ads in the feed: $OPEN"

run() { # name path
  curl -fsS -o /dev/null "$BASE$2" # warm up
  local out rps p50 p99
  out=$(wrk -t2 -c"$CONNS" -d"$DURATION" --latency "$BASE$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$1: some answers were not 2xx" >&2; fi
  printf '%-34s %10s %10s %10s\n' "$1" "$rps" "$p50" "$p99"
}

run_staff() { # name path [connections]
  local code out rps p50 p99
  code=$(curl -sS -o /dev/null -w '%{http_code}' -H "Cookie: staff=$STAFF_TOKEN" "$BASE$2") # warm up: builds the list
  [ "$code" = 200 ] || echo "$1: answered $code" >&2
  local conns=${3:-${BENCH_REVIEW_CONNECTIONS:-10}}
  out=$(wrk -t"$(( conns < 2 ? conns : 2 ))" -c"$conns" -d"$DURATION" --latency -H "Cookie: staff=$STAFF_TOKEN" "$BASE$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$1: some answers were not 2xx" >&2; fi
  printf '%-34s %10s %10s %10s\n' "$1" "$rps" "$p50" "$p99"
}

# BENCH_PARTS chooses what runs, comma-separated: board, review, overview,
# uploads, alerts, search, login, retention; all by default.
part() { [[ ",${BENCH_PARTS:-all}," == *",all,"* || ",${BENCH_PARTS:-all}," == *",$1,"* ]]; }

if part board; then
printf '\n%s connections, %s each, %s\n' "$CONNS" "$DURATION" "$(nproc) cores"
printf '%-34s %10s %10s %10s\n' "route" "req/s" "p50" "p99"
run "trivial (/healthz)" /healthz
run "list page (/jobb)" /jobb
run "search (q + filter)" "/jobb?q=sk%C3%B6terska&area=health&sort=closing"
run "ad page" "$AD"
run "RSS feed, all open ads" /jobb/feed.rss
fi

if part review; then
printf '\nThe candidate list of a recruitment with 2,000 applications (staff session, %s connections):\n' "${BENCH_REVIEW_CONNECTIONS:-10}"
read -r RID STAFF_TOKEN < <(go run ./scripts/reviewbench -mongo "$PORTAL_MONGO_URI" -db "$PORTAL_MONGO_DB" -applications "${BENCH_APPLICATIONS:-2000}")
LIST="/personal/rekrytering/$RID/kandidater"
printf '%-34s %10s %10s %10s\n' "route" "req/s" "p50" "p99"
run_staff "trivial (/healthz)" /healthz
run_staff "recruitment page (for comparison)" "/personal/rekrytering/$RID"
run_staff "candidates, first page" "$LIST"
run_staff "candidates, filter on an answer" "$LIST?fraga=shift&svar=Natt"
run_staff "candidates, sorted by rating" "$LIST?sortera=rating"
fi

if part overview; then
printf '\nThe overview of an employee with five years of payslips and balances (staff session, %s connections),\nand the latest payslip as a PDF (1 connection):\n' "$CONNS"
read -r STAFF_TOKEN PERIOD < <(go run ./scripts/overviewbench -mongo "$PORTAL_MONGO_URI" -db "$PORTAL_MONGO_DB")
printf '%-34s %10s %10s %10s\n' "route" "req/s" "p50" "p99"
run_staff "trivial (/healthz)" /healthz "$CONNS"
run_staff "overview (/personal)" /personal "$CONNS"
run_staff "payslip page" "/personal/lon/$PERIOD" "$CONNS"
run_staff "payslip PDF" "/personal/lon/$PERIOD/pdf" 1
fi

if part uploads; then
printf '\nUploads:\n'
go run ./scripts/uploadbench -url "$BASE" -pid "$PORTAL_PID" -ad "${AD#/jobb/}"
fi

if part alerts; then
printf '\nJob alerts: 100,000 subscriptions, one new ad (FerretDB):\n'
go run ./scripts/alertbench -mongo "$PORTAL_MONGO_URI"
fi

if part search; then
printf '\nA search the page cache has not seen (Go benchmark, 1,000 open ads):\n'
go test -run '^$' -bench 'BenchmarkSearch$' -benchtime 2s ./jobs | grep Benchmark
fi

if part login; then
printf '\nOne login (argon2id verification with the production parameters):\n'
go test -run '^$' -bench 'BenchmarkLogin$' -benchtime 20x ./credentials | grep Benchmark
fi

if part retention; then
# The culling: two like sets of cullable applications, deleted straight and
# culled by the retention run, on the same stack (see README, Performance).
go run ./scripts/retentionbench -mongo "$PORTAL_MONGO_URI" -db retentionbench -s3 "$PORTAL_S3_ENDPOINT" \
  -s3-access "$PORTAL_S3_ACCESS_KEY" -s3-secret "$PORTAL_S3_SECRET_KEY" \
  -applications "${BENCH_RETENTION_APPLICATIONS:-5000}" -files 2 -recruitments "${BENCH_RETENTION_RECRUITMENTS:-10}"
fi
