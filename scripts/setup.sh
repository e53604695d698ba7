#!/usr/bin/env bash
# Installs everything btda needs on a fresh machine: Debian packages, ClickHouse (libchdb from its npm
# package), the GeoLite2 databases, and the node BitTorrent tools for the test swarm.
# Idempotent and cached: a section whose result is already in place does nothing.
#
#   scripts/setup.sh                 all sections
#   scripts/setup.sh apt clickhouse  only these (apt | clickhouse | geoip | node)
#
# Runs as root without prompts (CI=true is fine). Downloads go to .cache/ (git-ignored); the GeoLite2
# databases to data/geoip/ (git-ignored). Nothing here is committed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
# Pinned: the versions the project is tested with.
CHDB_PKG="@chdb/lib-linux-x64-gnu@26.7.3-stable.1"
CHDB_TGZ="chdb-lib-linux-x64-gnu-26.7.3-stable.1.tgz"
GEOLITE_PKG="geolite2@4.0.1"
GEOLITE_TGZ="geolite2-4.0.1.tgz"
APT_PACKAGES=(transmission-daemon transmission-cli qbittorrent-nox aria2 rtorrent ctorrent opentracker
  mktorrent python3-libtorrent iproute2 libmaxmind-db-writer-perl dnsmasq-base maven openjdk-17-jdk-headless
  chromium docker.io docker-compose debootstrap)
  # chromium: the report's test renders the page headless; docker.io, docker-compose, debootstrap: the compose test
  # (scripts/compose-tests.sh) runs dockerd in a namespace and makes its Debian base image locally

step() { echo "setup: $*"; }
die() { echo "setup: FAILED: $*" >&2; exit 1; }
# Makes sure a command exists, installing the Debian packages that provide it when it does not.
need() {
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  [[ $(id -u) -eq 0 ]] || die "$cmd is missing; run as root to install $*"
  step "installing $* for $cmd"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update"
  apt-get install -y -q --no-install-recommends "$@" >/dev/null || die "apt-get install $*"
  command -v "$cmd" >/dev/null 2>&1 || die "$cmd still missing after installing $*"
}

# npm pack into .cache/npm unless the tarball is already there; prints the tarball path.
npm_pack() {
  local spec="$1" tgz="$2"
  mkdir -p "$CACHE/npm"
  if [[ ! -s "$CACHE/npm/$tgz" ]]; then
    need npm nodejs npm
    (cd "$CACHE/npm" && npm pack --silent --ignore-scripts "$spec" >/dev/null) || die "npm pack $spec"
    [[ -s "$CACHE/npm/$tgz" ]] || die "npm pack $spec did not produce $tgz"
  fi
  echo "$CACHE/npm/$tgz"
}

section_apt() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    step "apt: all ${#APT_PACKAGES[@]} packages present"
    return
  fi
  [[ $(id -u) -eq 0 ]] || die "apt: missing ${missing[*]}; run as root to install them"
  step "apt: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null || die "apt-get update"
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]}"
  step "apt: done"
}

section_clickhouse() {
  local lib="$CACHE/chdb/libchdb.so"
  if [[ -s "$lib" && -f "$CACHE/chdb/VERSION" && "$(cat "$CACHE/chdb/VERSION")" == "$CHDB_PKG" ]]; then
    step "clickhouse: $lib present ($CHDB_PKG)"
    return
  fi
  need python3 python3
  need curl curl
  step "clickhouse: fetching $CHDB_PKG"
  local tgz
  tgz="$(npm_pack "$CHDB_PKG" "$CHDB_TGZ")"
  mkdir -p "$CACHE/chdb"
  local tmp="$CACHE/chdb/.unpack.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  tar -xzf "$tgz" -C "$tmp" package/libchdb.so || die "clickhouse: unpack $tgz"
  mv -f "$tmp/package/libchdb.so" "$lib"
  rm -rf "$tmp"
  echo "$CHDB_PKG" > "$CACHE/chdb/VERSION"
  step "clickhouse: installed $lib"
}

section_geoip() {
  local dir="$ROOT/data/geoip" all=1
  for db in GeoLite2-City GeoLite2-Country GeoLite2-ASN; do
    [[ -s "$dir/$db.mmdb" ]] || all=0
  done
  if [[ $all -eq 1 ]]; then
    step "geoip: databases present in $dir"
    return
  fi
  step "geoip: fetching $GEOLITE_PKG"
  local tgz
  tgz="$(npm_pack "$GEOLITE_PKG" "$GEOLITE_TGZ")"
  mkdir -p "$dir"
  local tmp="$dir/.unpack.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  # The package's own install script downloads again and fails; only its bundled files are used.
  tar -xzf "$tgz" -C "$tmp" --wildcards 'package/dbs/*.mmdb' || die "geoip: unpack $tgz"
  for db in GeoLite2-City GeoLite2-Country GeoLite2-ASN; do
    [[ -s "$tmp/package/dbs/$db.mmdb" ]] || die "geoip: $db.mmdb missing from $GEOLITE_PKG"
    mv -f "$tmp/package/dbs/$db.mmdb" "$dir/$db.mmdb"
  done
  rm -rf "$tmp"
  step "geoip: installed City, Country, ASN into $dir"
}

section_node() {
  local dir="$CACHE/node" src="$ROOT/scripts/node"
  need node nodejs npm
  need npm nodejs npm
  mkdir -p "$dir/stubs"
  # Reinstall only when the pinned manifest changed.
  if [[ -d "$dir/node_modules/webtorrent" ]] && cmp -s "$src/package.json" "$dir/package.json" \
      && diff -rq "$src/stubs" "$dir/stubs" >/dev/null 2>&1; then
    step "node: tools present in $dir/node_modules"
  else
    step "node: installing webtorrent, bittorrent-tracker, bittorrent-dht into $dir"
    rm -rf "$dir/stubs" && cp -r "$src/stubs" "$dir/stubs"
    cp "$src/package.json" "$dir/package.json"
    # --ignore-scripts: native add-ons that download prebuilt binaries are not used (WebRTC is stubbed).
    (cd "$dir" && npm install --silent --ignore-scripts --no-audit --no-fund --no-package-lock \
        --no-update-notifier >"$dir/npm-install.log" 2>&1) || die "node: npm install in $dir (see $dir/npm-install.log)"
  fi
  cp "$src/swarm-peer.mjs" "$dir/swarm-peer.mjs"
  (cd "$dir" && node --input-type=module -e \
      "await import('webtorrent'); await import('bittorrent-tracker'); await import('bittorrent-dht')") \
      || die "node: the installed modules do not load"
  step "node: ok (tracker: node $dir/node_modules/bittorrent-tracker/bin/cmd.js; peer: node $dir/swarm-peer.mjs)"
}

main() {
  local sections=("$@")
  [[ ${#sections[@]} -gt 0 ]] || sections=(apt clickhouse geoip node)
  for s in "${sections[@]}"; do
    case "$s" in
      apt|clickhouse|geoip|node) "section_$s" ;;
      *) die "unknown section '$s' (apt, clickhouse, geoip, node)" ;;
    esac
  done
  step "all requested sections done"
}

main "$@"
