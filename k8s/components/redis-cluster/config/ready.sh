#!/bin/sh
# Ready: the node sees a healthy cluster and, as a replica, is in sync with its master. A rolling
# update waits for this before it restarts the next pod.
set -eu
cli() { redis-cli --no-auth-warning --user probe "$@"; }
cli cluster info | grep -q '^cluster_state:ok'
info=$(cli info replication)
echo "$info" | grep -q '^role:master' || echo "$info" | grep -q '^master_link_status:up'
