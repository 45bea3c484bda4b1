#!/usr/bin/env bash
# Docker HEALTHCHECK of the MaskWatch image: GET /health/ready of the running service.
#   maskwatch-healthcheck [PORT]
# Without PORT it finds the service from the java command line and uses its http-port variable or
# default (alerter 8080, ingest 8081, detector 8082). Bash only: the JRE image has no curl.
set -u
port="${1:-${HEALTHCHECK_PORT:-}}"
if [[ -z "$port" ]]; then
  service=""
  for f in /proc/[0-9]*/cmdline; do
    args="$(tr '\0' ' ' < "$f" 2>/dev/null)" || continue
    if [[ "$args" =~ io\.maskwatch\.app\.Main\ ([a-z]+) ]]; then
      service="${BASH_REMATCH[1]}"
      break
    fi
  done
  case "$service" in
    alerter)  port="${MASKWATCH_ALERTER_HTTP_PORT:-8080}" ;;
    ingest)   port="${MASKWATCH_INGEST_HTTP_PORT:-8081}" ;;
    detector) port="${MASKWATCH_DETECTOR_HTTP_PORT:-8082}" ;;
    "")       echo "no MaskWatch service process found"; exit 1 ;;
    *)        exit 0 ;; # one-shot commands (demo, analyze, ...) have nothing to probe
  esac
fi

if ! exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
  echo "nothing listens on port $port yet"
  exit 1
fi
printf 'GET /health/ready HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
response="$(timeout 5 cat <&3)"
exec 3<&-
status="${response%%$'\r'*}"
if [[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]; then
  exit 0
fi
echo "not ready: ${status:-no response}; ${response##*$'\r\n\r\n'}"
exit 1
