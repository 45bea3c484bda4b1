#!/usr/bin/env bash
# Entry point of the MaskWatch image: the launcher's java command line with container defaults.
#   maskwatch-entrypoint <command> [options]      e.g.  detector --config /etc/maskwatch/maskwatch.yaml
#
# Environment:
#   MASKWATCH_JAVA_OPTS    JVM flags (default: heap at 50% of the container's memory; PyTorch and
#                          FFmpeg need the rest off-heap)
#   MASKWATCH_MODEL_CACHE  detector model cache shipped in the image; becomes detector.model-cache-dir
#   POD_NAME               in a Kubernetes StatefulSet: the ordinal suffix ("ingest-2") becomes
#                          ingest.worker-index unless MASKWATCH_INGEST_WORKER_INDEX is set
#   ENTRYPOINT_DRY_RUN=1   print the java command and MASKWATCH_* configuration variables, then exit
#   MASKWATCH_<SECTION>_<KEY>  configuration overrides, passed to the service unchanged
set -euo pipefail

home="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cmd="${1:---help}"

# MASKWATCH_JAVA_OPTS and MASKWATCH_MODEL_CACHE are for this script, not configuration keys: the
# configuration loader rejects MASKWATCH_* variables that name no section, so they stop here.
java_opts="${MASKWATCH_JAVA_OPTS:--XX:MaxRAMPercentage=50.0}"
model_cache="${MASKWATCH_MODEL_CACHE:-$home/model-cache}"
unset MASKWATCH_JAVA_OPTS MASKWATCH_MODEL_CACHE

case "$cmd" in
  detector|demo|analyze|eval|bench|models)
    export MASKWATCH_DETECTOR_MODEL_CACHE_DIR="${MASKWATCH_DETECTOR_MODEL_CACHE_DIR:-$model_cache}"
    ;;
esac

if [[ "$cmd" == ingest && -z "${MASKWATCH_INGEST_WORKER_INDEX:-}" && -n "${POD_NAME:-}" ]]; then
  if [[ "$POD_NAME" =~ -([0-9]+)$ ]]; then
    export MASKWATCH_INGEST_WORKER_INDEX="${BASH_REMATCH[1]}"
  else
    echo "maskwatch-entrypoint: POD_NAME '$POD_NAME' does not end in -<ordinal>; run ingest as a StatefulSet" \
         "or set MASKWATCH_INGEST_WORKER_INDEX explicitly" >&2
    exit 2
  fi
fi

# Native libraries are unpacked here at start (an emptyDir in Kubernetes).
cache=/var/cache/maskwatch
[[ -w "$cache" ]] || cache="${TMPDIR:-/tmp}/maskwatch-cache"
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$cache/djl}" ENGINE_CACHE_DIR="${ENGINE_CACHE_DIR:-$cache/djl}"
export OPT_OUT_TRACKING=true
# malloc per command, as the launcher (./maskwatch) does:
case "$cmd" in
  ingest|detector|alerter)
    # Long-running services: two arenas, freed memory returned to the OS, so RSS follows use.
    export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.arena_max=2}"
    # ingest: a fixed mmap threshold keeps large decoder/JPEG blocks out of the arenas (docs/INGEST.md, "Memory")
    [[ "$cmd" != ingest || "$GLIBC_TUNABLES" != glibc.malloc.arena_max=2 ]] || GLIBC_TUNABLES+=":glibc.malloc.mmap_threshold=131072" ;;
  *)
    # Faster PyTorch CPU steps (measured ~30% on training): freed memory is kept for reuse.
    export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=17179869184}" ;;
esac

# ONNX Runtime's libraries, unpacked at build time (Dockerfile); without them it unpacks from its jar to /tmp.
ort_native=""
[[ -f "$home/native/onnxruntime/libonnxruntime.so" ]] && ort_native="$home/native/onnxruntime"

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# shellcheck disable=SC2206 # MASKWATCH_JAVA_OPTS is a list of flags
command=("$java" $java_opts -XX:+ExitOnOutOfMemoryError -Dai.djl.offline=true
  "-Dmaskwatch.home=$home" "-Dorg.bytedeco.javacpp.cachedir=$cache/javacpp"
  ${ort_native:+"-Donnxruntime.native.path=$ort_native"}
  -cp "$home/lib/*" io.maskwatch.app.Main "$@")

if [[ "${ENTRYPOINT_DRY_RUN:-}" == 1 ]]; then
  printf 'command:'; printf ' %q' "${command[@]}"; printf '\n'
  env | grep -E '^(MASKWATCH_|GLIBC_TUNABLES=)' | sort || true
  exit 0
fi
cd "$home"
exec "${command[@]}"
