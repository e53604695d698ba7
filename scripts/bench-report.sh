#!/usr/bin/env bash
# Benchmark of `btda report` (org.btda.report.ReportBenchmark in the report module's test sources): a fresh local
# ClickHouse (scripts/clickhouse.sh, data under /tmp) filled inside the server with INSERT ... SELECT FROM numbers()
# (10,000,000 observations, 1,000,000 peers, 100 torrents, 7 days), then the whole report built three times; prints
# each time and fails when one takes 30 s or more. Loopback only; a few minutes.
#
#   scripts/bench-report.sh
# Environment: HEAP (2g) BTDA_TARGET (target-rbench) JAVA_OPTS (e.g. -Dbench.observations=1000000 -Dbench.peers=100000)
set -euo pipefail
cd "$(dirname "$0")/.."

MODULE=report
MAIN=org.btda.report.ReportBenchmark
HEAP=${HEAP:-2g}
TARGET=${BTDA_TARGET:-target-rbench}
WORK=$(mktemp -d /tmp/btda-rbench-build.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=lib/bench-build.sh
source scripts/lib/bench-build.sh
# The sink's test-jar (LocalClickHouse) comes from the reactor build of this checkout.
bench_build bench-report "$MODULE" "$TARGET" "$WORK" "$PWD/sink/$TARGET/test-classes:$PWD/sink/$TARGET/classes"

# shellcheck disable=SC2086
java -Xms"$HEAP" -Xmx"$HEAP" -Djava.io.tmpdir=/tmp -Dbtda.root="$PWD" \
    -Dlogback.configurationFile="$PWD/sink/src/test/resources/logback-test.xml" ${JAVA_OPTS:-} -cp "$CP" "$MAIN"
