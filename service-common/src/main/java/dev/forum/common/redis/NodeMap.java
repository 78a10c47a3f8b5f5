package dev.forum.common.redis;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Which node of a Redis Cluster serves each hash slot, from one {@code CLUSTER SLOTS} reply, with a
 * {@link LinkWatchdog} per node: what {@link ShardedSubscriber}'s heartbeat needs to probe each node connection
 * once and to tell which one went silent. The watchdogs are armed from the start; a node is only checked while
 * one of its channels is live, and each confirmation on it counts as heard.
 */
final class NodeMap {

    /** A node, as {@code host:port}, and when its connection last answered. */
    record Node(String address, LinkWatchdog watchdog) {
    }

    private final int[] firstSlots;
    private final int[] lastSlots;
    private final Node[] owners;
    /** Slots no range covers (a cluster being resharded): one node of their own, checked like any other. */
    private final Node unknown;

    private NodeMap(int[] firstSlots, int[] lastSlots, Node[] owners, Node unknown) {
        this.firstSlots = firstSlots;
        this.lastSlots = lastSlots;
        this.owners = owners;
        this.unknown = unknown;
    }

    /** {@code slots}: each entry {@code [first slot, last slot, [master host, master port, id, ...], replicas...]}. */
    static NodeMap of(Response slots, Duration timeout) {
        int ranges = slots.size();
        int[] first = new int[ranges];
        int[] last = new int[ranges];
        Node[] owners = new Node[ranges];
        Map<String, Node> byAddress = new HashMap<>();
        for (int i = 0; i < ranges; i++) {
            Response range = slots.get(i);
            first[i] = range.get(0).toInteger();
            last[i] = range.get(1).toInteger();
            Response master = range.get(2);
            owners[i] = byAddress.computeIfAbsent(master.get(0) + ":" + master.get(1), address -> node(address, timeout));
        }
        return new NodeMap(first, last, owners, node("unknown", timeout));
    }

    private static Node node(String address, Duration timeout) {
        LinkWatchdog watchdog = new LinkWatchdog(timeout, System::nanoTime);
        watchdog.arm();
        return new Node(address, watchdog);
    }

    /** The node serving the channel's slot (its {@code {hash tag}} when it has one). */
    Node nodeOf(String channel) {
        int slot = ZModem.generate(channel);
        for (int i = 0; i < owners.length; i++) {
            if (slot >= firstSlots[i] && slot <= lastSlots[i]) {
                return owners[i];
            }
        }
        return unknown;
    }
}
