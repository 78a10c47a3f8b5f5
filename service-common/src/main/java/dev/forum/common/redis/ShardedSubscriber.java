package dev.forum.common.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Redis 7 sharded pub/sub ({@code SSUBSCRIBE}) on a Redis Cluster, for the shard channels a service listens to
 * (issue 14). It keeps the channels it was asked for subscribed across failovers and slot moves, and says when
 * each one is live and when it may have missed messages, so that the caller can fill that shard's gap from the
 * feed.
 *
 * <p>What the Vert.x cluster client (vertx-redis-client 4.5.27, Quarkus 3.33) does, and why this class exists:
 * {@code connect()} opens one connection to every node of {@code CLUSTER SLOTS} (replicas included) and fails
 * while any of them is unreachable; {@code handler}/{@code endHandler} are set on those connections only.
 * {@code SSUBSCRIBE} is routed to the master of the channel's slot (one slot per command: channels of
 * different slots cannot share one), but it is a "void" command: its future completes once written, and the
 * confirmation, the messages and any error (a {@code MOVED} from a stale slot map) arrive in the handler.
 * The client never resubscribes. When a slot moves (failover, resharding) the node that had it pushes
 * {@code sunsubscribe} for each of its channels; when a master dies its connection ends.
 *
 * <p>So: a {@code sunsubscribe} this class did not ask for means "lost", and the channel is subscribed again
 * at once (a replica of the slot's shard accepts it too). A node connection that ends, or a subscription not
 * confirmed within {@link #CONFIRM_TIMEOUT}, drops the whole cluster connection: every channel is lost, and a
 * new client (fresh slot map) connects and subscribes them all, every {@code retryDelay} until the cluster
 * answers (which it does once the dead master's replica owns its slots).
 *
 * <p>A node connection can also die without ending: a half-open link (a partition, a NAT or firewall that
 * dropped the flow) or a hung node keeps the socket open and delivers nothing, and no {@code sunsubscribe} ever
 * comes. So every {@code heartbeatInterval} each node connection that holds a live channel is probed: one of its
 * channels is {@code SSUBSCRIBE}d again, which Redis answers on that same connection with another
 * {@code ssubscribe} confirmation and changes nothing (the cluster client routes it by slot, like the original;
 * a {@code PING} would go to a random node). A node that confirmed nothing for {@code heartbeatTimeout} is
 * silent: the whole cluster connection is dropped and reopened as above, so its channels are reported lost and
 * then live again and the caller fills the gap. The probes cost one command per node per interval, whatever the
 * number of channels; which channels share a node comes from {@code CLUSTER SLOTS}, read when the connection
 * opens (it is reread at every reconnect, which is also what a slot moving to another shard leads to).
 *
 * <p>The listener is called on the connection's event loop: hand messages off, never block.
 */
public final class ShardedSubscriber {

    private static final Logger LOG = Logger.getLogger(ShardedSubscriber.class);

    /** What the caller learns. Called on a Vert.x event loop. */
    public interface Listener {

        void onMessage(String channel, String message);

        /** The channel is live from now on: fill what it missed since its last seq from the feed. */
        void onSubscribed(String channel);

        /** Messages of this channel may be lost until the next {@link #onSubscribed}. */
        void onLost(String channel);

        /** A node connection answered no heartbeat in time: it is dropped (every channel reported lost). */
        default void onSilent(String node) {
        }
    }

    /**
     * How often to wait and for how long. {@code retryDelay}: between reconnect attempts; {@code heartbeatInterval}:
     * between probes of each node connection; {@code heartbeatTimeout}: a node connection that answered nothing for
     * this long is dropped (at least one interval; a few give a busy node room).
     */
    public record Timing(Duration retryDelay, Duration heartbeatInterval, Duration heartbeatTimeout) {

        public Timing {
            if (heartbeatTimeout.compareTo(heartbeatInterval) < 0) {
                throw new IllegalArgumentException("heartbeat timeout " + heartbeatTimeout
                        + " shorter than its interval " + heartbeatInterval);
            }
        }

        /** The gateway's defaults for the heartbeat (every second, silent after 5 s): for tests and tools. */
        public static Timing retryingEvery(Duration retryDelay) {
            return new Timing(retryDelay, Duration.ofSeconds(1), Duration.ofSeconds(5));
        }
    }

    /** A stale slot map sends SSUBSCRIBE to a node that answers MOVED (into the handler, unmatched). */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final RedisOptions options;
    private final Timing timing;
    private final Listener listener;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Set<String> leaving = ConcurrentHashMap.newKeySet();
    private Redis client;
    private volatile RedisConnection connection;
    /** Which node connection each slot's channels sit on, for the connection open now. */
    private volatile NodeMap nodes;
    private volatile long generation;
    private volatile boolean stopped;
    private volatile int failedConnects;
    private volatile int silentConnections;
    private long heartbeatTimer = -1;

    /** {@code options}: type {@code CLUSTER} and the nodes' URLs, as {@code quarkus.redis.*} would give them. */
    public ShardedSubscriber(Vertx vertx, RedisOptions options, Timing timing, Listener listener) {
        this.vertx = vertx;
        this.options = options;
        this.timing = timing;
        this.listener = listener;
    }

    public synchronized void start() {
        stopped = false;
        heartbeatTimer = vertx.setPeriodic(timing.heartbeatInterval().toMillis(), id -> heartbeat());
        connect(generation);
    }

    public synchronized void stop() {
        stopped = true;
        generation++;
        live.clear();
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
            heartbeatTimer = -1;
        }
        close();
    }

    public void subscribe(String channel) {
        leaving.remove(channel);
        if (wanted.add(channel)) {
            send(channel, generation);
        }
    }

    public void unsubscribe(String channel) {
        if (wanted.remove(channel) && live.remove(channel)) {
            leave(channel);
        }
    }

    private void leave(String channel) {
        RedisConnection current = connection;
        if (current != null) {
            leaving.add(channel);
            current.send(Request.cmd(Command.SUNSUBSCRIBE).arg(channel));
        }
    }

    private synchronized void connect(long attempt) {
        if (stopped || attempt != generation) {
            return;
        }
        Redis fresh = Redis.createClient(vertx, options);
        client = fresh;
        // A hung node accepts TCP connections and answers nothing: without a timeout, connect() would wait forever.
        fresh.connect()
                .timeout(timing.heartbeatTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .onSuccess(opened -> opened(attempt, fresh, opened))
                .onFailure(e -> retry(attempt, fresh, "connect failed: " + e.getMessage()));
    }

    /**
     * Closes a client whose connect failed, once, and tries again later in the same generation. A client
     * superseded meanwhile was closed by whoever moved on ({@link #stop}, {@link #reconnect}): Vert.x throws
     * on a second close.
     */
    private synchronized void retry(long attempt, Redis failed, String why) {
        if (attempt != generation) {
            return;
        }
        LOG.debugf("Redis Cluster subscriber %s: retrying", why);
        failedConnects++;
        client = null;
        failed.close();
        vertx.setTimer(timing.retryDelay().toMillis(), id -> connect(attempt));
    }

    /** Connect attempts that failed so far (the cluster unreachable, or a node of its slot map). */
    int failedConnects() {
        return failedConnects;
    }

    /** Node connections found silent by the heartbeat so far (each dropped the whole cluster connection). */
    public int silentConnections() {
        return silentConnections;
    }

    /**
     * Reads the slot map before anything is subscribed (a RESP2 connection in subscribed mode refuses
     * {@code CLUSTER SLOTS}), then subscribes every wanted channel.
     */
    private synchronized void opened(long attempt, Redis fresh, RedisConnection opened) {
        if (stopped || attempt != generation || client != fresh) { // or timed out and retried
            opened.close();
            return;
        }
        opened.handler(response -> onPush(attempt, response));
        opened.endHandler(v -> reconnect(attempt, "a node connection ended"));
        opened.exceptionHandler(e -> reconnect(attempt, e.getMessage()));
        opened.send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
                .timeout(timing.heartbeatTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .onSuccess(slots -> subscribeAll(attempt, fresh, opened, NodeMap.of(slots, timing.heartbeatTimeout())))
                .onFailure(e -> {
                    opened.close();
                    retry(attempt, fresh, "CLUSTER SLOTS failed: " + e.getMessage());
                });
    }

    private synchronized void subscribeAll(long attempt, Redis fresh, RedisConnection opened, NodeMap map) {
        if (stopped || attempt != generation || client != fresh) {
            opened.close();
            return;
        }
        nodes = map;
        connection = opened;
        wanted.forEach(channel -> send(channel, attempt));
    }

    /**
     * Drops the cluster connection when a node connection holding live channels answered nothing for the
     * timeout; otherwise probes each such node once (see the class comment).
     */
    private void heartbeat() {
        long attempt = generation;
        RedisConnection current = connection;
        NodeMap map = nodes;
        if (stopped || current == null || map == null) {
            return;
        }
        Map<NodeMap.Node, String> probes = new HashMap<>();
        for (String channel : live) {
            probes.putIfAbsent(map.nodeOf(channel), channel);
        }
        for (Map.Entry<NodeMap.Node, String> probe : probes.entrySet()) {
            NodeMap.Node node = probe.getKey();
            if (node.watchdog().isSilent()) {
                silentConnections++;
                listener.onSilent(node.address());
                reconnect(attempt, "node " + node.address() + " answered no heartbeat within "
                        + timing.heartbeatTimeout().toMillis() + " ms");
                return;
            }
            current.send(Request.cmd(Command.SSUBSCRIBE).arg(probe.getValue()))
                    .onFailure(e -> reconnect(attempt, e.getMessage()));
        }
    }

    private void send(String channel, long attempt) {
        RedisConnection current = connection;
        if (current == null || attempt != generation) {
            return; // subscribed when the connection opens
        }
        current.send(Request.cmd(Command.SSUBSCRIBE).arg(channel))
                .onFailure(e -> reconnect(attempt, e.getMessage()));
        vertx.setTimer(CONFIRM_TIMEOUT.toMillis(), id -> {
            if (wanted.contains(channel) && !live.contains(channel)) {
                reconnect(attempt, "no ssubscribe confirmation for " + channel);
            }
        });
    }

    private void onPush(long attempt, Response response) {
        if (attempt != generation || response == null) {
            return;
        }
        if (response.type() == ResponseType.ERROR) {
            LOG.debugf("Redis Cluster answered a subscription with %s", response);
            return; // the confirmation timer reconnects with a fresh slot map
        }
        if (response.size() < 3) {
            return;
        }
        String channel = response.get(1).toString();
        switch (response.get(0).toString()) {
            case "smessage" -> listener.onMessage(channel, response.get(2).toString());
            case "ssubscribe" -> {
                NodeMap map = nodes;
                if (map != null) {
                    map.nodeOf(channel).watchdog().heard(); // a confirmation or a heartbeat's answer
                }
                if (!wanted.contains(channel)) {
                    leave(channel); // unsubscribed while the SSUBSCRIBE was on its way
                } else if (live.add(channel)) {
                    listener.onSubscribed(channel);
                }
            }
            case "sunsubscribe" -> {
                live.remove(channel);
                if (!leaving.remove(channel) && wanted.contains(channel)) {
                    LOG.infof("Redis Cluster moved %s away from its node: subscribing again", channel);
                    listener.onLost(channel);
                    send(channel, attempt);
                }
            }
            default -> {
            }
        }
    }

    private synchronized void reconnect(long attempt, String why) {
        if (stopped || attempt != generation) {
            return;
        }
        LOG.warnf("Redis Cluster subscriber connection lost (%s): reconnecting", why);
        generation++;
        for (String channel : live) {
            listener.onLost(channel);
        }
        live.clear();
        close();
        long next = generation;
        vertx.setTimer(timing.retryDelay().toMillis(), id -> connect(next));
    }

    private void close() {
        RedisConnection current = connection;
        connection = null;
        nodes = null;
        if (current != null) {
            current.close();
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
