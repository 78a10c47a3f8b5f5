#!/bin/sh
# Creates the cluster once (the Job redis-cluster-create): every pod of the StatefulSet, one replica
# per master. Idempotent: when the nodes already form a cluster with every slot assigned, it checks it
# and exits 0; nodes that are neither all empty nor a complete cluster are left to an operator (exit 1,
# `redis-cli --cluster check` in the log; docs/operations.md, "Redis Cluster").
set -eu
port=${REDIS_PORT:-6379}
cli() { redis-cli --no-auth-warning --user admin "$@"; }
# one field of CLUSTER INFO of the node at <ip>:<port>
info() { cli -h "${1%:*}" -p "$port" cluster info | tr -d '\r' | sed -n "s/^$2://p"; }
# every node up and answering, by its stable name (the headless Service publishes pods before they
# are ready, and none is ready before the cluster exists)
addresses=""
i=0
while [ "$i" -lt "$NODES" ]; do
  host="$CLUSTER_SERVICE-$i.$CLUSTER_SERVICE.$POD_NAMESPACE.svc"
  until found=$(getent hosts "$host") && cli -h "${found%% *}" -p "$port" ping 2>/dev/null | grep -q PONG; do
    echo "waiting for $host"
    sleep 2
  done
  addresses="$addresses ${found%% *}:$port"
  i=$((i + 1))
done
addresses=${addresses# }
first=${addresses%% *}
if [ "$(info "$first" cluster_slots_assigned)" = 16384 ]; then
  echo "the cluster exists ($(info "$first" cluster_known_nodes) nodes, every slot assigned): nothing to create"
  cli --cluster check "$first"
  exit 0
fi
for address in $addresses; do
  if [ "$(info "$address" cluster_known_nodes)" != 1 ] || [ "$(info "$address" cluster_slots_assigned)" != 0 ]; then
    echo "$address is not an empty node, yet the cluster is incomplete: fix it by hand" >&2
    cli --cluster check "$first" >&2 || true
    exit 1
  fi
done
# shellcheck disable=SC2086 # one argument per address
cli --cluster create $addresses --cluster-replicas "$REPLICAS_PER_MASTER" --cluster-yes
