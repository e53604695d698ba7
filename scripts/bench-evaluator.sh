#!/usr/bin/env bash
# Benchmark of the evaluator's contact engine against a synthetic swarm of many peers.
#
# Both processes run inside a private network namespace whose lo carries 198.18.0.0/15 as a local route: the swarm
# listens on one wildcard socket, each peer is one destination address (many addresses are needed because one
# source/destination pair only has the 32768-60999 ephemeral ports, and closed sessions sit in TIME_WAIT).
# Needs root. Nothing leaves the namespace; it is deleted on exit. The benchmark classes are test sources
# (evaluator/src/test/java/org/btda/evaluator/bench), so they are not in the production jar.
#
#   scripts/bench-evaluator.sh                 # engine only (no Kafka): the contact engine's throughput
#   MODE=kafka scripts/bench-evaluator.sh      # the full service with an in-process broker in the loop
#   ENCRYPTION=encrypted-only scripts/bench-evaluator.sh   # every contact over MSE/PE (RC4), engine mode only
#   SETTINGS=evaluator.piece-grace=500ms scripts/bench-evaluator.sh   # settings over the defaults (key=value,...), engine mode
#   TRANSPORT=utp scripts/bench-evaluator.sh   # every contact over uTP (BEP 29): the swarm serves uTP on its port too, engine mode
# Environment: JAVA_OPTS (extra JVM options of the evaluator, e.g. a flight recording) PEERS (60000) MEASURE (60 s) WARMUP (15 s) MAX_SESSIONS (14000) DIAL_RATE (3000/s) HEAP (512m) BTDA_TARGET (target-eval)
set -euo pipefail
cd "$(dirname "$0")/.."

PEERS=${PEERS:-60000}
MEASURE=${MEASURE:-60}
WARMUP=${WARMUP:-15}
MAX_SESSIONS=${MAX_SESSIONS:-14000}
DIAL_RATE=${DIAL_RATE:-3000}
HEAP=${HEAP:-512m}
MODE=${MODE:-engine}
ENCRYPTION=${ENCRYPTION:-learn}
SETTINGS=${SETTINGS:-}
TRANSPORT=${TRANSPORT:-}
if [[ "$TRANSPORT" == utp ]]; then SETTINGS="evaluator.transport=utp${SETTINGS:+,$SETTINGS}"; fi
TARGET=${BTDA_TARGET:-target-eval}
NS="btda-bench-$$"
WORK=$(mktemp -d /tmp/btda-bench.XXXXXX)

cleanup() {
  [[ -n "${SWARM_PID:-}" ]] && kill "$SWARM_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$NS" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

[[ $EUID -eq 0 ]] || { echo "bench-evaluator: needs root (it creates network namespace $NS)" >&2; exit 1; }
command -v ip >/dev/null || { echo "bench-evaluator: needs iproute2 ('ip')" >&2; exit 1; }

# shellcheck source=lib/bench-build.sh
source scripts/lib/bench-build.sh
bench_build bench-evaluator evaluator "$TARGET" "$WORK"

ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" route add local 198.18.0.0/15 dev lo
ip netns exec "$NS" sysctl -q -w net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535
echo "namespace $NS: lo up, 198.18.0.0/15 local; ephemeral ports $(ip netns exec "$NS" cat /proc/sys/net/ipv4/ip_local_port_range | tr '\t' '-')"

TOTAL=$((WARMUP + MEASURE + 60))
ip netns exec "$NS" bash -c "ulimit -n 20000; exec java -Xmx256m -XX:+UseParallelGC -cp '$CP' \
    org.btda.evaluator.bench.SyntheticSwarm $TOTAL 6881 2 ${TRANSPORT:-tcp}" > "$WORK/swarm.log" 2>&1 &
SWARM_PID=$!
# wait (bounded) for the swarm to listen rather than for a fixed time; say why when it does not
for _ in $(seq 1 300); do
  grep -q '^swarm listening' "$WORK/swarm.log" && break
  kill -0 "$SWARM_PID" 2>/dev/null || { echo "bench-evaluator: swarm exited:" >&2; cat "$WORK/swarm.log" >&2; exit 1; }
  sleep 0.1
done
grep -q '^swarm listening' "$WORK/swarm.log" || { echo "bench-evaluator: swarm not listening after 30 s" >&2; cat "$WORK/swarm.log" >&2; exit 1; }

if [[ "$MODE" == kafka ]]; then
  # broker + request feeder + observation counter in one JVM; the evaluator alone in another, with the 512 MB heap
  ip netns exec "$NS" bash -c "ulimit -n 20000; exec java -Xmx2g -cp '$CP' org.btda.evaluator.bench.KafkaLoopBench \
      $PEERS $MEASURE $WARMUP $MAX_SESSIONS $DIAL_RATE" > "$WORK/feeder.log" 2>&1 &
  FEEDER_PID=$!
  for _ in $(seq 1 120); do grep -q '^BOOTSTRAP ' "$WORK/feeder.log" && break; sleep 1; done
  read -r _ SERVERS PREFIX < <(grep '^BOOTSTRAP ' "$WORK/feeder.log")
  echo "broker $SERVERS, topics $PREFIX*"
  ip netns exec "$NS" bash -c "ulimit -n 20000; exec java -Xmx$HEAP -cp '$CP' org.btda.evaluator.bench.EvaluatorProcess \
      $SERVERS $PREFIX $((WARMUP + MEASURE)) $MAX_SESSIONS" 2>&1 | grep -v ' INFO ' || true
  wait "$FEEDER_PID" || true
  echo "---- feeder ----"
  grep -v ' INFO \| WARN ' "$WORK/feeder.log" | grep -v '^\s*at ' | tail -n 25
else
  ip netns exec "$NS" bash -c "ulimit -n 20000; exec java -Xmx$HEAP ${JAVA_OPTS:-} -Dbtda.bench.encryption=$ENCRYPTION -Dbtda.bench.settings='$SETTINGS' -cp '$CP' org.btda.evaluator.bench.EngineBench \
      $PEERS $MEASURE $WARMUP $MAX_SESSIONS $DIAL_RATE"
fi
echo "---- swarm log (tail) ----"
tail -n 3 "$WORK/swarm.log"
cp "$WORK/swarm.log" /tmp/btda-bench-swarm.log
