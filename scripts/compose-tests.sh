#!/usr/bin/env bash
# Runs the tests tagged "compose": the project's docker-compose.yml (with docker-compose.test.yml) started for real,
# with --scale evaluator=3, against a real BitTorrent swarm, all inside a network namespace this script creates.
#
# Inside the namespace: dockerd (its own data root under .cache/compose/docker, socket, pid file; containers on
# 198.19.0.0/24 and on the compose network), the swarm's trackers and clients on 198.18.x.2, and the test JVM. The
# namespace has no interface to the outside, so nothing a container or the test sends can leave the machine.
# No image registry is reachable: the Debian base is made with debootstrap from this machine's apt mirror and
# imported; the Kafka and ClickHouse stand-ins and the btda image are built on it. Images stay cached in the data root
# (reruns only rebuild what changed); containers, dockerd and the namespace are always removed at the end.
#
# Run as root from the repository root:  scripts/compose-tests.sh [mvn args]      (build dir: target-compose)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
[[ $(id -u) -eq 0 ]] || { echo "compose tests need root (network namespace, dockerd)" >&2; exit 2; }

echo "compose: setup"
scripts/setup.sh apt clickhouse geoip node

mkdir -p .cache
CACHE=$(readlink -f .cache)/compose   # the real path: runc refuses a container rootfs reached through a symlink
TARGET=target-compose
mkdir -p "$CACHE"
DOCKER=/usr/bin/docker          # Debian's client, matching its dockerd (another docker on PATH may be newer)
COMPOSE=/usr/bin/docker-compose

# One dockerd per data root: a second run (another checkout sharing .cache) waits for the first.
exec 9>"$CACHE/docker.lock"
flock -w 3600 9 || { echo "compose: another compose test holds $CACHE/docker.lock" >&2; exit 2; }

# Stale namespaces of earlier runs whose script is gone.
for ns in $(ip netns list | awk '{print $1}' | grep -E '^btda-compose-[0-9]+$' || true); do
  pid=${ns#btda-compose-}
  if ! kill -0 "$pid" 2>/dev/null; then
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns delete "$ns" && echo "compose: removed stale namespace $ns"
  fi
done

NS=btda-compose-$$
RUN=/run/btda-compose-$$
SOCK=$RUN/docker.sock
export DOCKER_HOST=unix://$SOCK
LOGDIR=$ROOT/integration-tests/$TARGET/compose
mkdir -p "$LOGDIR" "$RUN"
DOCKERD_PID=

cleanup() {
  set +e
  if [[ -S $SOCK ]]; then
    # Whatever the test left (it brings the project down itself; this is the backstop).
    ids=$($DOCKER ps -aq 2>/dev/null)
    [[ -n $ids ]] && $DOCKER rm -f $ids >/dev/null 2>&1
    $DOCKER volume prune -f >/dev/null 2>&1
    $DOCKER network prune -f >/dev/null 2>&1
  fi
  if [[ -n $DOCKERD_PID ]] && kill -0 "$DOCKERD_PID" 2>/dev/null; then
    kill -TERM "$DOCKERD_PID"
    for _ in $(seq 1 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$DOCKERD_PID" 2>/dev/null
  fi
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
  sleep 1
  for p in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
  # dockerd's mounts under its exec root (netns files of containers, shm) go with the directory.
  grep -o " $RUN[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$RUN"
  ip netns delete "$NS" 2>/dev/null
  echo "compose: torn down (containers, dockerd, namespace $NS)"
}
trap cleanup EXIT INT TERM

# ---- the namespace and dockerd ---------------------------------------------------------------------------------------
ip netns add "$NS"
ip -n "$NS" link set lo up
# Swarm hosts (as in scripts/swarm-tests.sh): trackers 198.18.0.2/.3, seeder 198.18.1.2, leechers 198.18.2.2 ...
for a in 198.18.0.2 198.18.0.3 198.18.{1..9}.2; do ip -n "$NS" addr add "$a/32" dev lo; done

# nsenter --net, not `ip netns exec`: the latter remounts /sys and hides the cgroup hierarchy dockerd needs.
# Compose networks come from 198.19.128.0/17, so every container address stays in 198.19/16 inside the namespace.
nsenter --net=/var/run/netns/"$NS" dockerd --bip 198.19.0.1/24 \
  --default-address-pool base=198.19.128.0/17,size=24 \
  --data-root "$CACHE/docker" --exec-root "$RUN/exec" --pidfile "$RUN/dockerd.pid" -H "unix://$SOCK" \
  --log-level warn >"$LOGDIR/dockerd.log" 2>&1 &
DOCKERD_PID=$!
for _ in $(seq 1 120); do
  $DOCKER info >/dev/null 2>&1 && break
  kill -0 "$DOCKERD_PID" 2>/dev/null || { echo "compose: dockerd exited (see $LOGDIR/dockerd.log)" >&2; exit 1; }
  sleep 0.5
done
$DOCKER info >/dev/null || { echo "compose: dockerd did not answer within 60 s (see $LOGDIR/dockerd.log)" >&2; exit 1; }
echo "compose: dockerd up in namespace $NS ($DOCKER_HOST), data root $CACHE/docker"

# ---- images -----------------------------------------------------------------------------------------------------------
# Builds an image unless one with the same key label exists (keys hash the inputs, so a change rebuilds).
build_if_changed() {
  local tag=$1 key=$2; shift 2
  if [[ $($DOCKER image inspect -f '{{index .Config.Labels "btda.key"}}' "$tag" 2>/dev/null) == "$key" ]]; then
    echo "compose: image $tag up to date"
    return
  fi
  echo "compose: building $tag"
  $DOCKER build -q --label "btda.key=$key" -t "$tag" "$@" >/dev/null
}

# Debian base: bookworm minbase with what the images need (JDK and Maven for the build stage, Python for ClickHouse).
BASE_PACKAGES=openjdk-17-jdk-headless,maven,python3,wget
MIRROR=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[[ -n $MIRROR ]] || MIRROR=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[[ -n $MIRROR ]] || { echo "compose: no Debian mirror found in /etc/apt/sources.list*" >&2; exit 1; }
BASE_KEY=$(echo "bookworm minbase $BASE_PACKAGES" | sha256sum | cut -c1-12)
BASE=btda-base:$BASE_KEY
if ! $DOCKER image inspect "$BASE" >/dev/null 2>&1; then
  tarball=$CACHE/btda-base-$BASE_KEY.tar
  if [[ ! -s $tarball ]]; then
    echo "compose: debootstrap bookworm minbase from $MIRROR (once; cached as $tarball)"
    rootfs=$CACHE/rootfs.$$
    rm -rf "$rootfs"
    debootstrap --variant=minbase --include="$BASE_PACKAGES" bookworm "$rootfs" "$MIRROR" >"$LOGDIR/debootstrap.log" 2>&1 \
      || { echo "compose: debootstrap failed (see $LOGDIR/debootstrap.log)" >&2; rm -rf "$rootfs"; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . >"$tarball.tmp" && mv "$tarball.tmp" "$tarball"
    rm -rf "$rootfs"
  fi
  $DOCKER import -c 'ENV LANG=C.UTF-8' - "$BASE" <"$tarball" >/dev/null
  echo "compose: imported $BASE"
fi
$DOCKER tag "$BASE" btda-base:latest

# Kafka stand-in: the Kafka release's jars from Maven Central.
KAFKA_CTX=$CACHE/kafka-context
if [[ ! -f $KAFKA_CTX/libs/kafka_2.13-4.3.1.jar ]] || ! cmp -s scripts/compose/kafka/pom.xml "$KAFKA_CTX/pom.xml"; then
  rm -rf "$KAFKA_CTX" && mkdir -p "$KAFKA_CTX"
  mvn -B -q -ntp -f scripts/compose/kafka/pom.xml dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$KAFKA_CTX/libs"
  cp scripts/compose/kafka/pom.xml "$KAFKA_CTX/pom.xml"
fi
rm -rf "$KAFKA_CTX/bin" && cp -r scripts/compose/kafka/{Dockerfile,kafka-run,log4j2.properties,bin} "$KAFKA_CTX/"
KAFKA_KEY=$( (cd "$KAFKA_CTX" && ls libs && cat Dockerfile kafka-run log4j2.properties bin/*; echo "$BASE") | sha256sum | cut -c1-16)
build_if_changed btda-test/kafka:4.3.1 "$KAFKA_KEY" --build-arg BASE_IMAGE="$BASE" "$KAFKA_CTX"

# ClickHouse stand-in: libchdb (hard-linked into the context when possible: 500 MB) and its host script.
CH_CTX=$CACHE/clickhouse-context
mkdir -p "$CH_CTX"
cp scripts/compose/clickhouse/Dockerfile scripts/clickhouse-server.py "$CH_CTX/"
CH_KEY=$( (cat .cache/chdb/VERSION "$CH_CTX/Dockerfile" "$CH_CTX/clickhouse-server.py"; echo "$BASE") | sha256sum | cut -c1-16)
if [[ $($DOCKER image inspect -f '{{index .Config.Labels "btda.key"}}' btda-test/clickhouse:26.7 2>/dev/null) != "$CH_KEY" ]]; then
  rm -f "$CH_CTX/libchdb.so"
  ln "$(readlink -f .cache/chdb/libchdb.so)" "$CH_CTX/libchdb.so" 2>/dev/null || cp .cache/chdb/libchdb.so "$CH_CTX/libchdb.so"
  build_if_changed btda-test/clickhouse:26.7 "$CH_KEY" --build-arg BASE_IMAGE="$BASE" "$CH_CTX"
  rm -f "$CH_CTX/libchdb.so"
else
  echo "compose: image btda-test/clickhouse:26.7 up to date"
fi

# Build stage image: the base plus an offline Maven repository holding exactly what `package` of the launcher needs
# (filled on this side, where Maven Central is reachable; the build container has no network out of the namespace).
M2=$CACHE/m2
POMS_KEY=$(cat pom.xml */pom.xml | sha256sum | cut -c1-16)
if [[ $(cat "$M2/poms.key" 2>/dev/null) != "$POMS_KEY" ]]; then
  echo "compose: filling the build's Maven repository ($M2)"
  mvn -B -q -ntp -Dmaven.repo.local="$M2/repository" -DskipTests -Dbtda.target="$TARGET" -pl launcher -am package
  rm -rf "$M2/repository/org/btda"
  echo "$POMS_KEY" >"$M2/poms.key"
fi
printf 'ARG BASE_IMAGE\nFROM ${BASE_IMAGE}\nCOPY repository /root/.m2/repository\n' >"$M2/Dockerfile"
M2_KEY=$( (cd "$M2" && find repository -type f -printf '%P %s\n' | sort; echo "$BASE") | sha256sum | cut -c1-16)
build_if_changed btda-test/build:latest "$M2_KEY" --build-arg BASE_IMAGE="$BASE" "$M2"

# btda itself: the project's Dockerfile, base images given as build arguments.
# The build stage is tagged too: untagged, it would count as dangling and be pruned, and every run would compile again.
echo "compose: building btda:latest from ./Dockerfile"
t0=$SECONDS
BUILD_ARGS=(--build-arg BUILD_IMAGE=btda-test/build:latest --build-arg RUNTIME_IMAGE="$BASE" --build-arg MAVEN_FLAGS=-o)
$DOCKER build -q --target build -t btda-test/btda-build-stage:latest "${BUILD_ARGS[@]}" . >/dev/null
$DOCKER build -q -t btda:latest "${BUILD_ARGS[@]}" . >/dev/null
echo "compose: btda:latest built in $((SECONDS - t0)) s"
$DOCKER image prune -f >/dev/null 2>&1 || true   # earlier builds' layers

# ---- the test ---------------------------------------------------------------------------------------------------------
# Compiled outside the namespace (Maven Central is not reachable from inside).
mvn -B -q -DskipTests -Dbtda.target="$TARGET" -pl integration-tests -am test-compile "$@"

echo "compose: running the compose tests in $NS; logs under $LOGDIR"
rc=0
timeout 1800 ip netns exec "$NS" env DOCKER_HOST="$DOCKER_HOST" COMPOSE_TEST_ROOT="$ROOT" COMPOSE_TEST_LOGS="$LOGDIR" \
  mvn -B -o -Dbtda.target="$TARGET" -Dbtda.groups=compose -Dbtda.excludedGroups=benchmark \
  -pl integration-tests -am test "$@" || rc=$?
echo "compose tests exit code $rc; logs: $LOGDIR ; surefire reports: integration-tests/$TARGET/surefire-reports"
exit $rc
