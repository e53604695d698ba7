# Sourced by the bench-*.sh scripts: builds one module's test sources (with the modules it needs, -am) into a build
# directory of its own and sets CP to its test classpath. Benchmarks live in test sources, never in production jars.
#
#   bench_build NAME MODULE TARGET WORK [EXTRA_CP]
#     NAME prefixes error messages; WORK is a scratch directory; EXTRA_CP (directories of other reactor modules, e.g. a
#     test-jar's classes that dependency:build-classpath cannot name before packaging) goes before the dependencies.
#
# Offline first (fast, no network); on a fresh clone the local Maven repository may lack a dependency or the
# dependency plugin itself, so the build is retried online, and a failure prints Maven's own words: a benchmark script
# never ends silently.
bench_build() {
  local name=$1 module=$2 target=$3 work=$4 extra=${5:-}
  _bench_mvn() {
    mvn -B -q "$@" -Dbtda.target="$target" -pl "$module" -am test-compile dependency:build-classpath \
        -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >"$work/build.log" 2>&1
  }
  echo "building $module (target dir $target)..."
  if ! _bench_mvn -o; then
    echo "offline build failed (a dependency or Maven plugin is not in the local repository yet); retrying online..."
    if ! _bench_mvn; then
      cat "$work/build.log" >&2
      echo "$name: the build failed (Maven's log above); without network access, run scripts/setup.sh first" >&2
      exit 1
    fi
  fi
  [[ -s "$work/cp.txt" ]] || { cat "$work/build.log" >&2; echo "$name: Maven wrote no classpath ($work/cp.txt)" >&2; exit 1; }
  CP="$PWD/$module/$target/test-classes:$PWD/$module/$target/classes${extra:+:$extra}:$(cat "$work/cp.txt")"
}
