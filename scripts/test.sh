#!/usr/bin/env bash
# Runs every btda test on a fresh machine of the project's kind: installs what is missing (idempotent, cached),
# then the unit and real-server tests, then (as root) the real-swarm suite inside a network namespace it creates.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== setup"
scripts/setup.sh

echo "== unit and real-server tests"
mvn -B -ntp verify

if [ "$(id -u)" = 0 ] && ip netns list >/dev/null 2>&1 && [ -x scripts/swarm-tests.sh ]; then
  echo "== real-swarm tests (network namespace)"
  scripts/swarm-tests.sh
else
  echo "== real-swarm tests need root and ip netns; not run here" >&2
  exit 1
fi
