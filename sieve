#!/usr/bin/env bash
# Sieve launcher: runs every command (local/: the operator CLI, the measurements, the demo),
# building first when the sources are newer than the last build.
#   ./sieve --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp_file="$root/local/target/classpath.txt"

needs_build() {
  [ ! -f "$cp_file" ] && return 0
  # a module's jar removed since (e.g. by 'mvn clean' in that module)
  local entry
  while IFS= read -r -d ':' entry; do
    [ -e "$entry" ] || return 0
  done < <(printf '%s:' "$(cat "$cp_file")")
  # any source, resource or POM newer than the last build
  [ -n "$(find "$root" -path "$root/.git" -prune -o \
      \( -path '*/src/main/*' -o -name pom.xml \) -newer "$cp_file" -type f -print -quit)" ]
}

if needs_build; then
  echo "sieve: building (first run, or sources changed) ..." >&2
  (cd "$root" && ./mvnw -q -B -DskipTests -pl local -am package) >&2
  # the dependency plugin leaves an unchanged classpath file alone: mark this build as the last one
  touch "$cp_file"
fi

# DJL must never probe the network (docs/architecture.md): offline, no tracking, before any DJL class loads.
export OPT_OUT_TRACKING=true
export DJL_OFFLINE=true
java_opts=(
  -Dai.djl.offline=true          # DJL: no model hub, no network probe
  -Djava.net.preferIPv4Stack=true # servers bind 127.0.0.1, never an IPv6 wildcard
  # Java 17 module opens for Flink:
  --add-opens=java.base/java.lang=ALL-UNNAMED            # Kryo/POJO serializers, RocksDB
  --add-opens=java.base/java.util=ALL-UNNAMED            # serializers of collections
  --add-opens=java.base/java.nio=ALL-UNNAMED             # MemoryUtils reads direct buffer addresses
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED    # ClosureCleaner
  --add-opens=java.base/java.net=ALL-UNNAMED             # serializers of java.net types
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED # serializers of concurrent collections
)
# shellcheck disable=SC2086 # SIEVE_JAVA_OPTS is a list of options on purpose
exec java "${java_opts[@]}" ${SIEVE_JAVA_OPTS:-} \
  -cp "$root/local/target/classes:$(cat "$cp_file")" \
  dev.sieve.local.Sieve "$@"
