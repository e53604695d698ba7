#!/usr/bin/env bash
# Runs the tests tagged "swarm" inside a fresh network namespace: a real BitTorrent swarm (trackers, seeder, leechers of
# several implementations) and btda all live on the namespace's lo, on 198.18.x.2 addresses (one /24 per host).
# Traffic to those addresses must never be sent from the main namespace (it would leave the machine), so everything
# that talks to them runs under `ip netns exec`. Run as root from the repository root:  scripts/swarm-tests.sh [mvn args]
# Extra args go to Maven, e.g. -Dtest=SwarmSelfTest. Build dir: -Dbtda.target (default target-swarm).
set -euo pipefail

cd "$(dirname "$0")/.."
[[ $(id -u) -eq 0 ]] || { echo "swarm tests need root (network namespace)" >&2; exit 2; }
for tool in ip mvn mktorrent opentracker transmission-daemon qbittorrent-nox aria2c rtorrent ctorrent node; do
  command -v "$tool" >/dev/null || { echo "missing $tool (see scripts/setup.sh)" >&2; exit 2; }
done
[[ -f .cache/node/node_modules/bittorrent-tracker/server.js ]] || {
  echo "bittorrent-tracker missing under .cache/node: run scripts/setup.sh node" >&2; exit 2; }

TARGET=target-swarm
for a in "$@"; do [[ $a == -Dbtda.target=* ]] && TARGET=${a#-Dbtda.target=}; done

# Stale namespaces of earlier runs: btda-swarm-<pid> (this script's) and btda-hp-<role>-<pid> (the NAT test's, named
# after its JVM) whose pid is gone. A live run's namespaces are left alone.
for ns in $(ip netns list | awk '{print $1}' | grep -E '^btda-(swarm|hp-[a-z]+)-[0-9]+$' || true); do
  pid=${ns##*-}
  if ! kill -0 "$pid" 2>/dev/null; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns delete "$ns" && echo "removed stale namespace $ns"
  fi
done

NS=btda-swarm-$$
cleanup() {
  # Whatever the JVM left behind (it kills its clients itself; this is the backstop), then the namespace.
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
  ip netns delete "$NS" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

# Resolve and compile outside the namespace (it has no route anywhere, Maven Central included).
mvn -B -q -DskipTests -Dbtda.target="$TARGET" -pl integration-tests -am test-compile "$@"

ip netns add "$NS"
ip -n "$NS" link set lo up
# Trackers on 198.18.0.2/.3, seeder 198.18.1.2, leechers 198.18.2.2 .. 198.18.9.2 (the fixture adds any missing ones).
for a in 198.18.0.2 198.18.0.3 198.18.{1..9}.2; do ip -n "$NS" addr add "$a/32" dev lo; done
# The IPv6-only swarm (Ipv6SwarmEndToEndTest) adds its fd00:198:18::/48 addresses to lo itself; IPv6 must be on there.
ip netns exec "$NS" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0

echo "namespace $NS; swarm logs under integration-tests/$TARGET/swarm/run-*/ (progress.log, swarm.txt, one dir per process)"
rc=0
timeout 1800 ip netns exec "$NS" mvn -B -o -Dbtda.target="$TARGET" -Dbtda.groups=swarm -Dbtda.excludedGroups=benchmark \
  -pl integration-tests -am test "$@" || rc=$?
latest=$(ls -1dt integration-tests/"$TARGET"/swarm/run-* 2>/dev/null | head -1 || true)
echo "swarm tests exit code $rc; logs: ${latest:-none} ; surefire reports: integration-tests/$TARGET/surefire-reports"
exit $rc
