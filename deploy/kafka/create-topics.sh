#!/usr/bin/env bash
# Creates the MaskWatch topics (docker compose service kafka-init), with the Kafka image's tools.
# Idempotent: existing topics keep their settings. Partitions can only grow, and growing a keyed
# topic moves cameras to other partitions (see docs/DEPLOYMENT.md, "Scaling").
#
#   BOOTSTRAP_SERVERS   default kafka:9092
#   PARTITIONS          default 12: the most detector replicas (frames) and alerter instances
#                       (detections) that can share the work
#   REPLICATION_FACTOR  default 1 (one broker); 3 on a production cluster
#   COMMAND_CONFIG      optional client properties file (TLS/SASL) for a secured cluster
set -euo pipefail

bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
partitions="${PARTITIONS:-12}"
rf="${REPLICATION_FACTOR:-1}"
topics_cmd="${KAFKA_HOME:-/opt/kafka}/bin/kafka-topics.sh"
auth=()
if [[ -n "${COMMAND_CONFIG:-}" ]]; then auth=(--command-config "$COMMAND_CONFIG"); fi
max_bytes=16777216   # frames are JPEGs; detections and alerts carry face crops

for attempt in $(seq 1 60); do
  if "$topics_cmd" --bootstrap-server "$bootstrap" "${auth[@]}" --list >/dev/null 2>&1; then break; fi
  if [[ $attempt == 60 ]]; then echo "kafka-init: broker $bootstrap did not answer in 120 s" >&2; exit 1; fi
  sleep 2
done

create() {
  local name=$1; shift
  "$topics_cmd" --bootstrap-server "$bootstrap" "${auth[@]}" --create --if-not-exists --topic "$name" \
    --partitions "$partitions" --replication-factor "$rf" "$@"
}

day=86400000
# Frames are real-time data: one hour, in 10-minute segments so retention can drop them.
create maskwatch.frames              --config retention.ms=3600000 --config segment.ms=600000 --config max.message.bytes=$max_bytes
create maskwatch.frames.dlq          --config retention.ms=$((7 * day)) --config max.message.bytes=$max_bytes
create maskwatch.detections          --config retention.ms=$((1 * day)) --config max.message.bytes=$max_bytes
create maskwatch.persons             --config retention.ms=$((7 * day))
create maskwatch.alerts              --config retention.ms=$((30 * day)) --config max.message.bytes=$max_bytes
create maskwatch.compliance          --config retention.ms=$((30 * day))
create maskwatch.notifications       --config retention.ms=$((7 * day)) --config max.message.bytes=$max_bytes
create maskwatch.notifications.dlq   --config retention.ms=$((30 * day)) --config max.message.bytes=$max_bytes
# Records the alerter topology could not process or write (docs/RELIABILITY.md).
create maskwatch.alerter.dlq         --config retention.ms=$((30 * day)) --config max.message.bytes=$max_bytes

# Topics that existed before keep their partitions: say when they are fewer than asked for.
"$topics_cmd" --bootstrap-server "$bootstrap" "${auth[@]}" --describe --topic 'maskwatch\..*' \
  | sed -n 's/^Topic: *\([^[:space:]]*\).*PartitionCount: *\([0-9]*\).*/\1 \2/p' \
  | while read -r name have; do
      if [[ "$have" -lt "$partitions" ]]; then
        echo "kafka-init: WARNING $name has $have partitions, fewer than PARTITIONS=$partitions;" \
             "at most $have consumers of it can work at once (kafka-topics.sh --alter --partitions to grow it)" >&2
      fi
      echo "kafka-init: $name ($have partitions)"
    done
echo "kafka-init: topics ready on $bootstrap"
