#!/usr/bin/env bash
# Runs every btda test on a fresh machine of the project's kind: installs what is missing (idempotent, cached),
# then the unit and real-server tests of every module, then (as root) the real-swarm suite inside a network namespace it
# creates, then the compose test (docker-compose.yml against a swarm, with dockerd in a namespace of its own). A failing
# test does not stop the run: every module is tested, and the failures are listed together at the end (from the
# Surefire reports), followed by one `tests: N passed, N failed, N skipped` line. Exit code 1 on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setup"
scripts/setup.sh

# Reports of an earlier run must not be counted again.
rm -rf ./*/target*/surefire-reports

status=0
echo "== unit and real-server tests"
# maven.test.failure.ignore: a module whose tests fail still lets the modules after it build and test; a compile error
# still stops the build (nothing after it could run).
mvn -B -ntp --fail-at-end -Dmaven.test.failure.ignore=true verify || status=1

if [ "$(id -u)" = 0 ] && ip netns list >/dev/null 2>&1 && [ -x scripts/swarm-tests.sh ]; then
  echo "== real-swarm tests (network namespace)"
  scripts/swarm-tests.sh -Dmaven.test.failure.ignore=true || status=1
  echo "== compose tests (docker-compose.yml in a network namespace)"
  scripts/compose-tests.sh -Dmaven.test.failure.ignore=true || status=1
else
  echo "== real-swarm and compose tests need root and ip netns; not run here" >&2
  status=1
fi

echo "== summary"
python3 scripts/test-summary.py . || status=1
exit $status
