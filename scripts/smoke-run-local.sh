#!/usr/bin/env bash
# Proves the README's run command: starts ./run-local on spare ports, sends the README's curl example,
# waits until the job is sent, stops run-local as Ctrl-C would, and checks that nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
export API_PORT=18080 MANAGEMENT_PORT=19080 WORKER_1_PORT=18081 WORKER_2_PORT=18082 LOCAL_STACK_MONGO_PORT=28017 \
  LOCAL_STACK_SMTP_PORT=22525 LOCAL_STACK_MAIL_PORT=28025
log=$(mktemp)
./run-local > "$log" 2>&1 &
pid=$!
cleanup() { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 180); do
  grep -q "notifyhub ready" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; echo "smoke: run-local exited early" >&2; exit 1; }
  sleep 1
done
grep -q "notifyhub ready" "$log" || { cat "$log"; echo "smoke: run-local not ready in 180 s" >&2; exit 1; }

key='Authorization: Bearer nhk_localdev_for-local-use-only-000000'
id=$(curl -fsS -X POST "http://127.0.0.1:$API_PORT/api/jobs" -H 'Content-Type: application/json' -H "$key" \
  -d '{"type":"email","payload":{"recipient":"user@example.com","subject":"Welcome!","body":"Thank you for signing up"}}' \
  | sed -n 's/.*"_id":"\([0-9a-f]*\)".*/\1/p')
[ -n "$id" ] || { echo "smoke: POST did not return a job id" >&2; exit 1; }
status=""
for _ in $(seq 1 50); do
  status=$(curl -fsS -H "$key" "http://127.0.0.1:$API_PORT/api/jobs/$id" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
  [ "$status" = sent ] && break
  sleep 0.2
done
[ "$status" = sent ] || { echo "smoke: job $id is '$status', not sent" >&2; tail -n 20 .run-local/logs/*.log; exit 1; }
# the email went over SMTP to local-stack's sink, with the Message-ID derived from the job id
curl -fsS "http://127.0.0.1:$LOCAL_STACK_MAIL_PORT/messages" | grep -q "<$id@notifyhub>" \
  || { echo "smoke: job $id's mail did not arrive at the SMTP sink" >&2; exit 1; }

kill -TERM "$pid"
wait "$pid" || true
trap - EXIT
left=$(pgrep -f -- '-exec\.jar' || true)
[ -z "$left" ] || { echo "smoke: processes left after stop: $left" >&2; exit 1; }
echo "smoke: ./run-local started, job $id was sent (its mail arrived over SMTP), and stopping left nothing running"
