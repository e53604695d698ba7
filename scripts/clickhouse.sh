#!/usr/bin/env bash
# Local ClickHouse for development and tests: libchdb hosted by scripts/clickhouse-server.py.
#
#   scripts/clickhouse.sh start  [--data DIR] [--http-port N] [--tcp-port N] [--watch-pid PID]
#   scripts/clickhouse.sh stop   [--data DIR]
#   scripts/clickhouse.sh status [--data DIR] [--http-port N]
#
# Defaults: --data state/clickhouse, --http-port 8123, --tcp-port 9000. Listens on 127.0.0.1 only.
# start runs `scripts/setup.sh clickhouse` when the library is missing, waits until /ping answers and
# writes DIR/clickhouse.pid (and DIR/clickhouse.ports); the log is DIR/clickhouse.log. With --watch-pid the
# server also stops by itself when that process ends (tests pass their JVM's pid).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="${BTDA_CHDB_LIB:-$ROOT/.cache/chdb/libchdb.so}"
PYTHON="${BTDA_PYTHON:-python3}"
START_TIMEOUT_S="${BTDA_CLICKHOUSE_START_TIMEOUT:-60}"

die() { echo "clickhouse: $*" >&2; exit 1; }

cmd="${1:-}"; [[ -n "$cmd" ]] || die "usage: $0 start|stop|status [--data DIR] [--http-port N] [--tcp-port N]"
shift
DATA="$ROOT/state/clickhouse"; HTTP_PORT=""; TCP_PORT=""; WATCH_PID=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --data) DATA="$2"; shift 2 ;;
    --http-port) HTTP_PORT="$2"; shift 2 ;;
    --tcp-port) TCP_PORT="$2"; shift 2 ;;
    --watch-pid) WATCH_PID="$2"; shift 2 ;;
    *) die "unknown argument $1" ;;
  esac
done
mkdir -p "$DATA"
DATA="$(cd "$DATA" && pwd)"
PID_FILE="$DATA/clickhouse.pid"
PORTS_FILE="$DATA/clickhouse.ports"
LOG="$DATA/clickhouse.log"

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q "clickhouse-server.py" "/proc/$pid/cmdline" 2>/dev/null \
    && { echo "$pid"; return 0; }
  return 1
}

command -v curl >/dev/null 2>&1 || die "curl is required"
ping() { curl -fsS --max-time 2 "http://127.0.0.1:$1/ping" >/dev/null 2>&1; }

start() {
  if pid="$(running_pid)"; then
    die "already running (pid $pid) on $DATA; stop it first"
  fi
  HTTP_PORT="${HTTP_PORT:-8123}"; TCP_PORT="${TCP_PORT:-9000}"
  [[ -s "$LIB" ]] || "$ROOT/scripts/setup.sh" clickhouse >&2 || die "setup of the clickhouse section failed"
  local t0; t0=$(date +%s%N)
  # setsid: the server outlives this script and is not hit by signals sent to the caller's group.
  setsid "$PYTHON" "$ROOT/scripts/clickhouse-server.py" --lib "$LIB" --path "$DATA/db" \
      --http-port "$HTTP_PORT" --tcp-port "$TCP_PORT" --listen-host 127.0.0.1 --watch-pid "$WATCH_PID" \
      </dev/null >>"$LOG" 2>&1 &
  local pid=$!
  echo "$pid" > "$PID_FILE"
  echo "http=$HTTP_PORT tcp=$TCP_PORT" > "$PORTS_FILE"
  local deadline=$(( $(date +%s) + START_TIMEOUT_S ))
  until ping "$HTTP_PORT"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      tail -n 20 "$LOG" >&2
      die "server exited during start (log: $LOG)"
    fi
    if (( $(date +%s) >= deadline )); then
      kill "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      die "no answer on http://127.0.0.1:$HTTP_PORT/ping within ${START_TIMEOUT_S}s (log: $LOG)"
    fi
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "clickhouse: started pid $pid http=$HTTP_PORT tcp=$TCP_PORT data=$DATA in ${ms} ms"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    rm -f "$PID_FILE"
    echo "clickhouse: not running ($DATA)"
    return 0
  fi
  kill -TERM "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; echo "clickhouse: stopped pid $pid"; return 0; }
    sleep 0.1
  done
  echo "clickhouse: pid $pid did not stop within 30 s; killing it" >&2
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
}

status() {
  local pid
  if pid="$(running_pid)"; then
    local port="${HTTP_PORT:-$(sed -n 's/^http=\([0-9]*\).*/\1/p' "$PORTS_FILE" 2>/dev/null)}"
    if ping "${port:-8123}"; then
      echo "clickhouse: running pid $pid $(cat "$PORTS_FILE" 2>/dev/null) data=$DATA"
      return 0
    fi
    echo "clickhouse: pid $pid alive but http port ${port:-8123} does not answer"
    return 1
  fi
  echo "clickhouse: not running ($DATA)"
  return 3
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "unknown command $cmd (start|stop|status)" ;;
esac
