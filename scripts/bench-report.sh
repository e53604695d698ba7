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

# Offline first; on a fresh clone the local Maven repository may lack a dependency or a plugin, so retry online and
# print Maven's own words when that fails too.
build() {
    mvn -B -q "$@" -Dbtda.target="$TARGET" -pl "$MODULE" -am test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/cp.txt" >"$WORK/build.log" 2>&1
}
echo "building $MODULE (target dir $TARGET)..."
if ! build -o; then
    echo "offline build failed (a dependency or Maven plugin is not in the local repository yet); retrying online..."
    if ! build; then
        cat "$WORK/build.log"
        echo "bench-report: the build failed (log above); without network access, run scripts/setup.sh first" >&2
        exit 1
    fi
fi
[[ -s "$WORK/cp.txt" ]] || { cat "$WORK/build.log"; echo "bench-report: Maven wrote no classpath ($WORK/cp.txt)" >&2; exit 1; }
# The report module's test classpath: the sink's test-jar comes from the reactor build of this checkout.
CP="$PWD/$MODULE/$TARGET/test-classes:$PWD/$MODULE/$TARGET/classes:$PWD/sink/$TARGET/test-classes:$PWD/sink/$TARGET/classes:$(cat "$WORK/cp.txt")"

# shellcheck disable=SC2086
java -Xms"$HEAP" -Xmx"$HEAP" -Djava.io.tmpdir=/tmp -Dbtda.root="$PWD" \
    -Dlogback.configurationFile="$PWD/sink/src/test/resources/logback-test.xml" ${JAVA_OPTS:-} -cp "$CP" "$MAIN"
