#!/usr/bin/env bash
# Requests per second of the busiest signed-in pages against a bare Flask route, both under gunicorn
# (2 sync workers) and measured with wrk in one run, in round-robin rounds. See bench/README.md.
#
# Run from anywhere: bash bench/pages.sh   (PY=path/to/venv/bin/python if the venv is not .venv)
# Vary: DURATION=10s CONNECTIONS=8 THREADS=2 ROUNDS=2
#
# The app runs in development mode on SQLite with the demo data, because production mode insists on
# PostgreSQL, a shared rate-limit store and Secure cookies (which curl and wrk would not send back
# over plain http on loopback). Flask's debug mode stays off under gunicorn either way, so templates
# are not reloaded and the code paths are those of production.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
ROUNDS=${ROUNDS:-2}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d)
APP_PID="" BARE_PID=""
cleanup() {
  for pid in $APP_PID $BARE_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(uname -m), $("$PY" -c 'import platform; print("Python", platform.python_version())')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

export READINESS_MODE=development
export DATABASE_URL="sqlite:///$WORK/readiness.sqlite"
export SECRET_KEY=pages-bench-secret-key-pages-bench-secret-key
export SIGN_IN_ADDRESS_LIMIT="1000 per minute"
export UPLOAD_FOLDER="$WORK/evidence"
# Sessions live in Redis in production; use the local one when it answers, as production would.
if command -v redis-cli >/dev/null && redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  export SESSION_REDIS_URL=redis://127.0.0.1:6379/3
fi
"$BIN/flask" --app app demo >/dev/null
mapfile -t PAGES < <(PYTHONPATH=. "$PY" bench/find_pages.py)

# Two ports free now (the kernel picks them), so parallel runs on one machine do not collide.
read -r APP_PORT BARE_PORT < <("$PY" -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')
"$BIN/gunicorn" --workers 2 --bind "127.0.0.1:$APP_PORT" --log-level warning app:app &
APP_PID=$!
"$BIN/gunicorn" --workers 2 --bind "127.0.0.1:$BARE_PORT" --log-level warning --chdir bench bare_app:app &
BARE_PID=$!
for port in "$APP_PORT" "$BARE_PORT"; do
  for _ in $(seq 1 120); do curl -fso /dev/null "http://127.0.0.1:$port/" && continue 2; sleep 0.5; done
  echo "nothing answers on port $port" >&2; exit 1
done

# Sign in as the demo project lead: the sign-in form's CSRF token, then the cookie the session lives in.
APP="http://127.0.0.1:$APP_PORT"
JAR="$WORK/cookies"
TOKEN=$(curl -fs -c "$JAR" "$APP/sign-in" | grep -o 'name="csrf_token"[^>]*value="[^"]*"' | sed 's/.*value="//; s/"$//' | head -1)
[ -n "$TOKEN" ] || { echo "no CSRF token on the sign-in page" >&2; exit 1; }
curl -fs -b "$JAR" -c "$JAR" -o /dev/null --data-urlencode "csrf_token=$TOKEN" \
  --data-urlencode "email=lead@demo.example" --data-urlencode "password=demo-password-2026" "$APP/sign-in"
COOKIE=$(awk -F'\t' 'NF == 7 {sub(/^#HttpOnly_/, "", $1); printf "%s%s=%s", sep, $6, $7; sep = "; "}' "$JAR")

declare -A URL MASTER
MASTER[bare]=$BARE_PID
NAMES=(bare)
URL[bare]="http://127.0.0.1:$BARE_PORT/"
for line in "${PAGES[@]}"; do
  name=${line%% *}
  NAMES+=("$name")
  MASTER[$name]=$APP_PID
  URL[$name]="$APP${line#* }"
  status=$(curl -s -o "$WORK/$name.html" -w '%{http_code}' -H "Cookie: $COOKIE" "${URL[$name]}")
  [ "$status" = 200 ] || { echo "$name: ${URL[$name]} answered $status, not 200" >&2; exit 1; }
  echo "$name: ${URL[$name]} ($(wc -c <"$WORK/$name.html") bytes)"
done

# CPU time (in clock ticks) the workers of a gunicorn master have used: a busy machine slows every
# request down, but the CPU a request costs the server changes much less.
TICK_MS=$((1000 / $(getconf CLK_TCK)))
worker_ticks() {
  local total=0 pid
  for pid in $(pgrep -P "$1"); do
    read -r -a stat <"/proc/$pid/stat"
    total=$((total + stat[13] + stat[14]))
  done
  echo "$total"
}

# One warm-up request per page per worker, then ROUNDS rounds of every page in turn.
for name in "${NAMES[@]}"; do for _ in 1 2 3 4; do curl -fso /dev/null -H "Cookie: $COOKIE" "${URL[$name]}"; done; done
RESULTS="$WORK/results"
for round in $(seq 1 "$ROUNDS"); do
  for name in "${NAMES[@]}"; do
    before=$(worker_ticks "${MASTER[$name]}")
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -H "Cookie: $COOKIE" "${URL[$name]}" >"$WORK/wrk" 2>&1
    cpu_ms=$((($(worker_ticks "${MASTER[$name]}") - before) * TICK_MS))
    if grep -q "Non-2xx" "$WORK/wrk"; then echo "$name: some responses were not 2xx or 3xx" >&2; cat "$WORK/wrk" >&2; exit 1; fi
    awk -v name="$name" -v round="$round" -v cpu_ms="$cpu_ms" '
      function ms(v) {
        if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000
      }
      $1 == "50%" {p50 = ms($2)} $1 == "99%" {p99 = ms($2)} $1 == "Requests/sec:" {rps = $2}
      $2 == "requests" && $3 == "in" {requests = $1}
      END {printf "%s %s %.1f %.2f %.2f %.3f\n", round, name, rps, p50, p99, cpu_ms / requests}' "$WORK/wrk" |
      tee -a "$RESULTS"
  done
  echo "load average after round $round: $(cut -d' ' -f1-3 /proc/loadavg)"
done

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, $ROUNDS rounds: mean requests/s over the rounds, worst p50 and p99;"
echo "server CPU: the gunicorn workers' CPU time per request (mean over the rounds) and its ratio to the bare route's"
awk -v order="${NAMES[*]}" '
  {rps[$2] += $3; cpu[$2] += $6; n[$2]++; if ($4 > p50[$2]) p50[$2] = $4; if ($5 > p99[$2]) p99[$2] = $5}
  END {
    split(order, names, " "); bare = rps["bare"] / n["bare"]; bare_cpu = cpu["bare"] / n["bare"]
    printf "%-10s %9s %8s %8s %14s %13s %14s\n", "page", "req/s", "p50 ms", "p99 ms", "ratio to bare", "CPU ms/req", "bare CPU/CPU"
    for (i = 1; i in names; i++) {
      k = names[i]; mean = rps[k] / n[k]; c = cpu[k] / n[k]
      printf "%-10s %9.1f %8.2f %8.2f %14.3f %13.2f %14.3f\n", k, mean, p50[k], p99[k], mean / bare, c, bare_cpu / c
    }
  }' "$RESULTS"
echo "uptime: $(uptime)"
