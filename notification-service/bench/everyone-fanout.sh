#!/usr/bin/env bash
# @everyone fan-out benchmark: seeds USERS users (default 100000) into a scratch PostgreSQL database
# that it creates (forum_notify_t_<random>) and drops at the end, then processes new_message events
# with @everyone through notification-service's real processing code (EventProcessor -> one
# transaction -> set-based INSERT ... SELECT in batches) and prints the time of each; then deletes the
# thread (set-based count pushes into push_outbox) and times the push relay draining them to Redis.
#
#   notification-service/bench/everyone-fanout.sh [USERS] [ROUNDS]
#
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres) and Redis at 127.0.0.1:6379, like the tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS="${1:-100000}"
ROUNDS="${2:-3}"
# -am package: notification-service's own modules (service-common's test jar too) come from this build, not from
# ~/.m2 (nothing is installed there); only this one test runs.
mvn -B -q -o -pl notification-service -am package \
  -Dtest=EveryoneFanoutBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbench.users="$USERS" -Dbench.rounds="$ROUNDS" \
  -Dquarkus.log.category.\"dev.forum.notify\".level=INFO >/dev/null
echo "notification-service @everyone fan-out, $USERS users, $(nproc) cores"
cat notification-service/target/bench/everyone-fanout.txt
