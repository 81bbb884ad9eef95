#!/usr/bin/env bash
# 50 project leads for 60 s against gunicorn (2 workers) on a fresh PostgreSQL database, plus a
# bare-route baseline in the same run. Needs: pip install locust; PostgreSQL on 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
DB=readiness_load_$$
psql -qh 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" postgres
trap 'kill $SERVER 2>/dev/null || true; sleep 1; psql -qh 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" postgres' EXIT
export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/$DB
export SECRET_KEY=load-test-secret-key-load-test-secret-key
export SIGN_IN_LIMIT="10000 per minute"
export READINESS_INSTANCE_NOTE="load test"
PYTHONPATH=. "$PY" bench/load/prepare.py 60
"$BIN/gunicorn" --workers 2 --bind 127.0.0.1:8099 --chdir . app:app --log-level warning &
SERVER=$!
for _ in $(seq 1 60); do curl -fs http://127.0.0.1:8099/healthz >/dev/null && break; sleep 0.5; done
"$BIN/locust" -f bench/load/locustfile.py --headless -u 51 -r 25 -t 60s --host http://127.0.0.1:8099 \
  --only-summary --csv bench/load/result ProjectLead Baseline
