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
#   RETENTION_HOURS_<TOPIC>  retention of a new topic, hours (FRAMES, FRAMES_DLQ, DETECTIONS, PERSONS,
#                       ALERTS, COMPLIANCE, NOTIFICATIONS, NOTIFICATIONS_DLQ, ALERTER_DLQ, ALERT_REVIEWS,
#                       ALERT_ERASURES, AUDIT); defaults
#                       as kafka.retention-hours in config/maskwatch.example.yaml, why in docs/PRIVACY.md.
#                       An existing topic keeps its retention: change it with kafka-configs.sh --alter.
set -euo pipefail

bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
partitions="${PARTITIONS:-12}"
rf="${REPLICATION_FACTOR:-1}"
topics_cmd="${KAFKA_HOME:-/opt/kafka}/bin/kafka-topics.sh"
auth=()
if [[ -n "${COMMAND_CONFIG:-}" ]]; then auth=(--command-config "$COMMAND_CONFIG"); fi
max_bytes=16777216   # frames are JPEGs; detections and alerts carry face crops

hours() {  # hours() NAME DEFAULT: RETENTION_HOURS_NAME in ms, refused unless a positive integer
  local v="${!1:-$2}"
  if ! [[ "$v" =~ ^[1-9][0-9]*$ ]]; then
    echo "kafka-init: $1='$v' must be a whole number of hours >= 1 (these topics hold face images; none is kept forever)" >&2
    exit 2
  fi
  echo $((v * 3600000))
}
# Validate every value before creating anything.
r_frames=$(hours RETENTION_HOURS_FRAMES 1)
r_frames_dlq=$(hours RETENTION_HOURS_FRAMES_DLQ 72)
r_detections=$(hours RETENTION_HOURS_DETECTIONS 24)
r_persons=$(hours RETENTION_HOURS_PERSONS 168)
r_alerts=$(hours RETENTION_HOURS_ALERTS 720)
r_alert_images=$(hours RETENTION_HOURS_ALERT_IMAGES 720)
r_compliance=$(hours RETENTION_HOURS_COMPLIANCE 720)
r_notifications=$(hours RETENTION_HOURS_NOTIFICATIONS 168)
r_notifications_dlq=$(hours RETENTION_HOURS_NOTIFICATIONS_DLQ 72)
r_alerter_dlq=$(hours RETENTION_HOURS_ALERTER_DLQ 72)
r_alert_reviews=$(hours RETENTION_HOURS_ALERT_REVIEWS 720)
r_alert_erasures=$(hours RETENTION_HOURS_ALERT_ERASURES 720)
r_audit=$(hours RETENTION_HOURS_AUDIT 2160)
if (( r_alert_erasures < r_alerts )); then
  echo "kafka-init: RETENTION_HOURS_ALERT_ERASURES must be >= RETENTION_HOURS_ALERTS (an expired erasure marker would bring an erased face back)" >&2
  exit 2
fi

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

# Frames are real-time data, in 10-minute segments so retention can drop them on time.
create maskwatch.frames              --config retention.ms=$r_frames --config segment.ms=600000 --config max.message.bytes=$max_bytes
create maskwatch.frames.dlq          --config retention.ms=$r_frames_dlq --config max.message.bytes=$max_bytes
create maskwatch.detections          --config retention.ms=$r_detections --config max.message.bytes=$max_bytes
create maskwatch.persons             --config retention.ms=$r_persons
create maskwatch.alerts              --config retention.ms=$r_alerts --config max.message.bytes=$max_bytes
# Face + heat map per alert id, compacted so erasing an alert removes them (docs/PRIVACY.md).
create maskwatch.alert-images        --config retention.ms=$r_alert_images --config cleanup.policy=compact,delete --config segment.ms=3600000 --config max.message.bytes=$max_bytes
create maskwatch.compliance          --config retention.ms=$r_compliance
create maskwatch.notifications       --config retention.ms=$r_notifications --config max.message.bytes=$max_bytes
create maskwatch.notifications.dlq   --config retention.ms=$r_notifications_dlq --config max.message.bytes=$max_bytes
# Records the alerter topology could not process or write (docs/RELIABILITY.md).
create maskwatch.alerter.dlq         --config retention.ms=$r_alerter_dlq --config max.message.bytes=$max_bytes
# Custodian reviews and erasure markers, keyed by alert id: compacted, hourly segments (docs/PRIVACY.md).
create maskwatch.alert-reviews       --config retention.ms=$r_alert_reviews --config cleanup.policy=compact,delete --config segment.ms=3600000
create maskwatch.alert-erasures      --config retention.ms=$r_alert_erasures --config cleanup.policy=compact,delete --config segment.ms=3600000
# Who viewed, acknowledged, marked or erased which alert.
create maskwatch.audit               --config retention.ms=$r_audit

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
