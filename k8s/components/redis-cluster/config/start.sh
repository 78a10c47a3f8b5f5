#!/bin/sh
# Starts one node. Pod IPs change when pods are recreated, and nodes.conf remembers every node by IP
# and by the hostname it announces: point each known hostname at its current IP first, so that a
# cluster whose pods were all replaced at once finds itself again (a node not resolvable yet keeps
# its old IP: it learns ours when it starts and connects to us).
set -eu
conf=/data/nodes.conf
self="$POD_NAME.$CLUSTER_SERVICE.$POD_NAMESPACE.svc"
if [ -s "$conf" ]; then
  # a node's address: ip:port@cport[,hostname[,aux=value...]] (the port follows the last ':')
  : > "$conf.new"
  while read -r id addr rest; do
    case "$addr" in
      *@*,*)
        at=${addr%%@*}
        bus=${addr#*@}
        host=${bus#*,}
        host=${host%%,*}
        ip=""
        if [ "$host" = "$self" ]; then
          ip=$POD_IP
        elif [ -n "$host" ] && found=$(getent hosts "$host"); then
          ip=${found%% *}
        fi
        [ -z "$ip" ] || addr="$ip:${at##*:}@$bus"
        ;;
    esac
    echo "$id $addr $rest" >> "$conf.new"
  done < "$conf"
  mv "$conf.new" "$conf"
fi
exec redis-server /etc/redis-cluster/redis.conf --cluster-announce-ip "$POD_IP" --cluster-announce-hostname "$self"
