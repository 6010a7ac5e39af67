#!/usr/bin/env bash
# Prepares a service to start in about half the time, with JDK 25's ahead-of-time cache (JEP 483, 514): extracts
# the executable jar (the cache needs a class path of plain jars) and records the classes loaded and linked while
# the application context starts. The context stops once refreshed, before anything connects, so no store or
# broker is needed: the Dockerfiles run this while building the image.
#   scripts/aot-cache.sh <service's -exec.jar> <directory>
# leaves <directory>/app.jar and <directory>/app.aot; run with: java -XX:AOTCache=<directory>/app.aot -jar <directory>/app.jar
# A JVM that cannot use the cache (another JDK build, or ZGC) logs that and starts without it; G1, Serial and
# Parallel GC use it.
set -euo pipefail
jar="$1"
dir="$2"
java -Djarmode=tools -jar "$jar" extract --destination "$dir"
if [ "$(basename "$jar")" != app.jar ]; then
  mv "$dir/$(basename "$jar")" "$dir/app.jar"
fi
# unreachable store and broker, any free ports: only the start-up's classes are recorded
MONGODB_URI=mongodb://127.0.0.1:1/notifyhub RABBITMQ_ADDRESSES=127.0.0.1:1 API_PORT=0 MANAGEMENT_PORT=0 WORKER_PORT=0 \
  java -XX:AOTCacheOutput="$dir/app.aot" -Dspring.context.exit=onRefresh -jar "$dir/app.jar" > "$dir/aot-training.log" 2>&1 \
  || { tail -20 "$dir/aot-training.log" >&2; exit 1; }
rm -f "$dir/aot-training.log"
