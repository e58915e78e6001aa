#!/bin/sh
# The deadline-rush load test (docs/performance.md): gunicorn (gthread, gunicorn.conf.py) + PostgreSQL +
# Redis, DEBUG off, the full-size sample province (load_sample --province van-son), locust from its own
# venv on loopback. Prints p50/p95/p99 per request type, errors, the load average, and the lost-write check.
#
#   bench/load/run.sh                       # 150 focal points + 10 readers for 10 minutes
#   LOAD_TIME=3m LOAD_FOCAL_POINTS=150 bench/load/run.sh
#   LOAD_KEEP_DB=1 bench/load/run.sh        # reuse the loaded database (saves of earlier runs stay)
#
# Database: LOAD_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/parindex_load, dropped and
# reloaded unless LOAD_KEEP_DB=1); Redis: LOAD_REDIS_URL (default redis://127.0.0.1:6379/14); port PORT.
set -eu
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
OUT=${LOAD_OUT:-bench/load/out}
DB=${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/parindex_load}
PORT=${PORT:-8104}
FOCAL=${LOAD_FOCAL_POINTS:-150}
READERS=${LOAD_READERS:-10}
mkdir -p "$OUT"
bench/load/setup.sh

export DATABASE_URL="$DB" REDIS_URL="${LOAD_REDIS_URL:-redis://127.0.0.1:6379/14}" CONN_MAX_AGE=60
export DJANGO_SETTINGS_MODULE=bench.load.settings DEBUG=0 ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY="load-test-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export STATIC_ROOT="$ROOT/bench/load/out/static" MEDIA_ROOT="$ROOT/$OUT/media"
PY=.venv/bin/python

if [ "${LOAD_KEEP_DB:-}" != 1 ]; then
    NAME=${DB##*/}
    dropdb -h 127.0.0.1 -U postgres --if-exists "$NAME"
    createdb -h 127.0.0.1 -U postgres "$NAME"
    $PY manage.py migrate -v0
    $PY manage.py load_sample --province van-son --focal-points 3 >/dev/null
else
    $PY manage.py migrate -v0  # a kept database may predate this code's migrations
fi
$PY manage.py collectstatic --noinput -v0
rm -rf "$MEDIA_ROOT"
$PY -m bench.load.state accounts --focal-points "$FOCAL" --readers "$READERS" >"$OUT/accounts.json"

# The machine's own speed: a fixed pure-Python loop, timed before and after (a VM's cores can run at
# very different speeds from one hour to the next; docs/performance.md).
PROBE='import timeit; print(round(1000 * min(timeit.repeat("sum(i * i for i in range(100000))", number=20, repeat=7))))'
echo "before $($PY -c "$PROBE")" >"$OUT/probe.log"
GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_LOG_LEVEL=warning .venv/bin/gunicorn parindex.wsgi -c gunicorn.conf.py &
GUNICORN=$!
trap 'kill $GUNICORN $UPTIME 2>/dev/null || true; rm -rf "$MEDIA_ROOT"' EXIT
(while sleep 15; do uptime; done) >"$OUT/uptime.log" &
UPTIME=$!
sleep 3
uptime | tee "$OUT/uptime-before.log"

LOAD_ACCOUNTS="$OUT/accounts.json" LOAD_SAVES="$OUT/saves.jsonl" LOAD_FOCAL_POINTS="$FOCAL" LOAD_READERS="$READERS" \
    bench/load/.venv/bin/locust -f bench/load/locustfile.py --headless --only-summary \
    -u $((FOCAL + READERS)) -r "${LOAD_SPAWN_RATE:-5}" -t "${LOAD_TIME:-10m}" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/run" >"$OUT/locust.log" 2>&1 || true
uptime | tee "$OUT/uptime-after.log"
echo "after $($PY -c "$PROBE")" >>"$OUT/probe.log"
# CPU seconds the server's processes used (gunicorn, and PostgreSQL's backends for this database):
# CPU per request depends less on the neighbours than latency does (but see the CPU probe).
ps -o cputimes= --ppid $GUNICORN -p $GUNICORN | awk '{s+=$1} END {print "gunicorn CPU s", s}' >"$OUT/cpu.log"
ps -o cputimes=,args= -u postgres | grep "${DB##*/} " | awk '{s+=$1} END {print "postgres CPU s", s}' >>"$OUT/cpu.log"
cat "$OUT/locust-cpu.log" >>"$OUT/cpu.log" 2>/dev/null || true
kill $GUNICORN $UPTIME 2>/dev/null || true
python3 bench/load/report.py "$OUT"
$PY -m bench.load.state check "$OUT/saves.jsonl"
