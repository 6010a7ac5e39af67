#!/usr/bin/env bash
# Checks what the Dockerfiles do at build time (no Docker engine needed): scripts/aot-cache.sh prepares each
# service, and the service then starts with its cache required (-XX:AOTMode=on fails if it cannot be used).
# Prints each service's start-up time (to a refreshed context) without and with the cache. Needs the jars (./mvnw package) and a JDK 25.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started() { # seconds from launch until the application context is refreshed and the JVM has exited
  local from=$(date +%s%N)
  MONGODB_URI=mongodb://127.0.0.1:1/notifyhub RABBITMQ_ADDRESSES=127.0.0.1:1 API_PORT=0 MANAGEMENT_PORT=0 WORKER_PORT=0 \
    java "$@" -Dspring.context.exit=onRefresh -jar "$work/$service/app.jar" > "$work/$service.log" 2>&1 \
    || { tail -20 "$work/$service.log" >&2; echo "$service did not start: java $*" >&2; return 1; }
  echo "$(( ($(date +%s%N) - from) / 1000000 )) ms"
}
for service in api-service worker-service; do
  jars=("$service"/target/"$service"-*-exec.jar)
  scripts/aot-cache.sh "${jars[0]}" "$work/$service"
  without=$(started)
  with=$(started -XX:AOTMode=on -XX:AOTCache="$work/$service/app.aot")
  echo "$service: started and refreshed in $without without the cache, $with with it"
done
