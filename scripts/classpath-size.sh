#!/usr/bin/env bash
# Runtime classpath of each module: number and total size of the third-party jars (MaskWatch's own
# modules not counted), and how many of them are Kafka or Scala jars.
#   scripts/classpath-size.sh [module ...]     (default: common ingest detector alerter app)
# Offline; compiles the modules first so that sibling modules resolve inside the reactor.
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
((${#modules[@]})) || modules=(common ingest detector alerter app)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
printf '%-15s %5s %10s %12s\n' module jars MB kafka/scala
for m in "${modules[@]}"; do
  if ! mvn -B -o -q -pl "$m" -am compile dependency:build-classpath -DincludeScope=runtime \
      -Dmdep.outputFile="$out/cp" >"$out/log" 2>&1; then
    echo "$m: build failed:" >&2; cat "$out/log" >&2; exit 1
  fi
  tr ':' '\n' <"$out/cp" | grep '\.jar$' | grep -v '/io/maskwatch/' >"$out/jars" || true
  bytes=$( (xargs -r -a "$out/jars" stat -c %s; echo 0) | awk '{s += $1} END {print s}')
  printf '%-15s %5d %10.1f %12d\n' "$m" "$(wc -l <"$out/jars")" "$(awk -v b="$bytes" 'BEGIN {print b / 1048576}')" \
    "$(grep -c 'org/apache/kafka\|scala' "$out/jars" || true)"
done
