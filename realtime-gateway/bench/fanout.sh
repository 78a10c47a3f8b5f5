#!/usr/bin/env bash
# Gateway-only fan-out and idle-memory benchmark (prints JSON lines, no assertions).
# Starts its own redis-server, a scratch database, forum-api (sessions, thread access, feed head) and
# ONE gateway, then runs GatewayFanout.java, which publishes envelopes straight into Redis (bypassing
# the write path) and counts what 2,000 WebSocket clients receive. Needs packaged jars:
#   mvn -B -q -ntp -DskipTests package -pl forum-api,realtime-gateway -am
# Usage: realtime-gateway/bench/fanout.sh [-Dmode=fanout|idle] [-Dclients=2000] [-Dthreads=20]
#        [-Drates=50,100,200,400,600,800 | -Drates=50 -Dgrowth=1.25] [-Dstep.seconds=10]
#        [-Dwarmup.seconds=20] [-Dlocal.addresses=4 (several 127.0.0.x source addresses, for > 28,000 connections)]
# Env: BASE_PORT (default 9400: forum-api +1, gateway +2, redis +3, management ports +4 and +5),
#      GATEWAY_JAVA_OPTS (e.g. JFR),
#      GATEWAY_APP (another build of the gateway, for before/after runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n 250000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
BASE_PORT=${BASE_PORT:-9400}
API_PORT=$((BASE_PORT + 1)) GW_PORT=$((BASE_PORT + 2)) REDIS_PORT=$((BASE_PORT + 3))
API_MGMT_PORT=$((BASE_PORT + 4)) GW_MGMT_PORT=$((BASE_PORT + 5))
RUN=$(date +%s%N | tail -c 7)
DB="gwbench_${RUN}" NS="gwbench${RUN}"
LOGS=${LOGS:-/tmp/gwbench-$RUN}
mkdir -p "$LOGS"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $DB" postgres >/dev/null 2>&1 || true
}
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --save '' --appendonly no --daemonize no >"$LOGS/redis.log" 2>&1 &
REDIS_PID=$!; pids+=("$REDIS_PID")
psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $DB" postgres

FORUM_HTTP_PORT=$API_PORT QUARKUS_MANAGEMENT_PORT=$API_MGMT_PORT FORUM_DB_URL="jdbc:postgresql://127.0.0.1:5432/$DB" \
FORUM_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" FORUM_REDIS_NAMESPACE="$NS" FORUM_INTERNAL_TOKEN=bench-internal FORUM_RATE_LIMIT_POSTS=1000000 \
FORUM_RATE_LIMIT_LOGIN_PER_ACCOUNT=1000000 FORUM_RATE_LIMIT_LOGIN_PER_ADDRESS=1000000 FORUM_RATE_LIMIT_REGISTERS_PER_ADDRESS=1000000 \
  java -Xmx512m -jar forum-api/target/quarkus-app/quarkus-run.jar >"$LOGS/forum-api.log" 2>&1 &
pids+=("$!")
# shellcheck disable=SC2086
QUARKUS_HTTP_PORT=$GW_PORT QUARKUS_MANAGEMENT_PORT=$GW_MGMT_PORT GATEWAY_FORUM_API_URL="http://127.0.0.1:$API_PORT" FORUM_INTERNAL_TOKEN=bench-internal \
GATEWAY_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" GATEWAY_REDIS_NAMESPACE="$NS" \
  java ${GATEWAY_JAVA_OPTS:-} -jar "${GATEWAY_APP:-realtime-gateway/target/quarkus-app}/quarkus-run.jar" >"$LOGS/gateway.log" 2>&1 &
GW_PID=$!; pids+=("$GW_PID")

# Health is on the management port (older builds: on the public port).
up() { curl -sf -o /dev/null "http://127.0.0.1:$1/q/health/$3" || curl -sf -o /dev/null "http://127.0.0.1:$2/q/health/$3"; }
for ports in "$API_MGMT_PORT $API_PORT ready" "$GW_MGMT_PORT $GW_PORT live"; do
  # shellcheck disable=SC2086
  for _ in $(seq 1 240); do up $ports && break; sleep 0.5; done
  # shellcheck disable=SC2086
  up $ports || { echo "not up: $ports (logs in $LOGS)" >&2; exit 1; }
done
echo "gateway pid $GW_PID, logs in $LOGS" >&2

java -Xmx4g -XX:+UseParallelGC -cp "realtime-gateway/target/quarkus-app/lib/main/*" \
  -Dapi="http://127.0.0.1:$API_PORT" -Dws.port="$GW_PORT" -Dredis.port="$REDIS_PORT" -Dns="$NS" \
  -Dinternal.token=bench-internal -Dgateway.pid="$GW_PID" -Dredis.pid="$REDIS_PID" "$@" \
  realtime-gateway/bench/GatewayFanout.java
