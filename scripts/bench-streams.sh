#!/usr/bin/env bash
# Benchmark of the stream processor (org.btda.streams.TopologyBenchmark in stream-processor's test sources):
# in-process KRaft broker (data under /tmp), the production StreamProcessorService with exactly_once_v2, 1,000,000
# peers of state, a full-speed throughput phase, a 10,000 obs/s latency phase with the ClickHouse sink against a
# local ClickHouse (scripts/clickhouse.sh), and the state size per peer. Loopback only; bounded (stops at 10 min).
#
#   scripts/bench-streams.sh          the topology benchmark (~8.5 min)
#   scripts/bench-streams.sh sink     the ClickHouse sink alone (org.btda.streams.SinkBenchmark, < 5 min): rows/s from
#                                     pre-produced topics, then latency at a fixed rate (-Dbench.sink.* to resize)
# Environment: HEAP (4g) BTDA_TARGET (target-sbench) JFR (set to a file path to record a flight recording)
#              JAVA_OPTS (extra, e.g. -Dbench.peers=200000 -Dbench.throughput-seconds=30 -Dbench.latency-seconds=0)
set -euo pipefail
cd "$(dirname "$0")/.."

MAIN=org.btda.streams.TopologyBenchmark
[[ "${1:-}" == "sink" ]] && MAIN=org.btda.streams.SinkBenchmark
HEAP=${HEAP:-4g}
TARGET=${BTDA_TARGET:-target-sbench}
WORK=$(mktemp -d /tmp/btda-sbench-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

echo "building (target dir $TARGET)..."
mvn -B -q -o -Dbtda.target="$TARGET" -pl stream-processor -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
CP="$PWD/stream-processor/$TARGET/test-classes:$PWD/stream-processor/$TARGET/classes:$(cat "$WORK/cp.txt")"

JFR_OPTS=()
[[ -n "${JFR:-}" ]] && JFR_OPTS=("-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
# shellcheck disable=SC2086
java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Djava.io.tmpdir=/tmp -Dbtda.root="$PWD" \
    -Dlogback.configurationFile="$PWD/stream-processor/src/test/resources/logback-test.xml" \
    "${JFR_OPTS[@]}" ${JAVA_OPTS:-} -cp "$CP" "$MAIN"
