#!/usr/bin/env bash
# Benchmark of the stream processor (org.btda.streams.TopologyBenchmark in the sink module's test sources, which run
# the topology and the sink together downstream of both):
# in-process KRaft broker (data under /tmp), the production StreamProcessorService with exactly_once_v2, 1,000,000
# peers of state, a full-speed throughput phase, a 10,000 obs/s latency phase with the ClickHouse sink against a
# local ClickHouse (scripts/clickhouse.sh), and the state size per peer. Loopback only; bounded (stops at 10 min).
#
#   scripts/bench-streams.sh          the topology benchmark (~8.5 min)
#   scripts/bench-streams.sh sink     the ClickHouse sink alone (org.btda.sink.SinkBenchmark in sink's test sources,
#                                     < 5 min): rows/s from pre-produced topics, then latency at a fixed rate
#                                     (-Dbench.sink.* to resize)
# Environment: HEAP (4g) BTDA_TARGET (target-sbench) JFR (set to a file path to record a flight recording)
#              JAVA_OPTS (extra, e.g. -Dbench.peers=200000 -Dbench.throughput-seconds=30 -Dbench.latency-seconds=0;
#              -Dbench.files=1000 makes every torrent a 1,000-file torrent whose observations carry per-file counts)
set -euo pipefail
cd "$(dirname "$0")/.."

MAIN=org.btda.streams.TopologyBenchmark
if [[ "${1:-}" == "sink" ]]; then MAIN=org.btda.sink.SinkBenchmark; fi
MODULE=sink     # both benchmarks live in the sink's test sources (-am builds the stream processor too)
HEAP=${HEAP:-4g}
TARGET=${BTDA_TARGET:-target-sbench}
WORK=$(mktemp -d /tmp/btda-sbench-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=lib/bench-build.sh
source scripts/lib/bench-build.sh
bench_build bench-streams "$MODULE" "$TARGET" "$WORK"

JFR_OPTS=()
[[ -n "${JFR:-}" ]] && JFR_OPTS=("-XX:StartFlightRecording=filename=$JFR,settings=profile,dumponexit=true")
# shellcheck disable=SC2086
java -Xms"$HEAP" -Xmx"$HEAP" -XX:+UseG1GC -Djava.io.tmpdir=/tmp -Dbtda.root="$PWD" \
    -Dlogback.configurationFile="$PWD/$MODULE/src/test/resources/logback-test.xml" \
    "${JFR_OPTS[@]}" ${JAVA_OPTS:-} -cp "$CP" "$MAIN"
