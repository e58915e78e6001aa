#!/usr/bin/env bash
# Load test of the public site on loopback (bounded: 20 s per page, 16 connections), against gunicorn
# with DEBUG off on PostgreSQL, the sample province loaded and 2021 published.
#   bench/public_load.sh            (needs Debian's wrk: apt-get install wrk)
# Record requests/s and latency percentiles in docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${BENCH_PUBLIC_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/parindex_bench_public}"
PORT="${PORT:-8057}"
export DATABASE_URL="$DB" DEBUG=false SECRET_KEY=bench ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false \
       CONN_MAX_AGE=60 STATIC_ROOT=/tmp/parindex-bench-static
psql "${DB%/*}/postgres" -qc "DROP DATABASE IF EXISTS ${DB##*/} WITH (FORCE)" -c "CREATE DATABASE ${DB##*/}"
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py load_sample >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/gunicorn parindex.wsgi -w 4 -b "127.0.0.1:$PORT" --log-level warning &
server=$!
trap 'kill $server' EXIT
sleep 3
for page in /ket-qua/2021/ /ket-qua/2021/co-quan/so-gtvt/ /ket-qua/2021/phuong-phap/; do
  echo "== $page"
  curl -s -o /dev/null "http://127.0.0.1:$PORT$page"  # warm the cache, as a published page is
  wrk -t2 -c16 -d20s --latency "http://127.0.0.1:$PORT$page" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
done
