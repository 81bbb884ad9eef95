#!/usr/bin/env bash
# USERS project leads (default 50) for DURATION (default 60s) against gunicorn (2 workers) on a fresh
# PostgreSQL database, plus a bare-route baseline in the same run.
# Needs: pip install -r bench/requirements.txt; PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
USERS=${USERS:-50}
DURATION=${DURATION:-60s}
DB=readiness_load_$$
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (a busy machine inflates every figure)"
psql -qh 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" postgres
trap 'kill $SERVER 2>/dev/null || true; sleep 1; psql -qh 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres' EXIT
export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$DB
export SECRET_KEY=load-test-secret-key-load-test-secret-key
export SIGN_IN_LIMIT="10000 per minute"
export READINESS_INSTANCE_NOTE="load test"
PYTHONPATH=. "$PY" bench/load/prepare.py "$USERS"
"$BIN/gunicorn" --workers 2 --bind 127.0.0.1:8099 --chdir . app:app --log-level warning &
SERVER=$!
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8099/healthz >/dev/null && break; sleep 0.5; done
"$BIN/locust" -f bench/load/locustfile.py --headless -u $((USERS + 1)) -r 25 -t "$DURATION" \
  --host http://127.0.0.1:8099 --only-summary --csv bench/load/result ProjectLead Baseline
# CPU seconds the two workers used, start-up included: the server's cost per request.
SERVER_CPU=$(ps -o times= --ppid "$SERVER" | awk '{s += $1} END {print s}')
"$PY" bench/load/summary.py bench/load/result_stats.csv "$SERVER_CPU" "$(cut -d' ' -f1 /proc/loadavg)"
