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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
    }

    /** A stale slot map sends SSUBSCRIBE to a node that answers MOVED (into the handler, unmatched). */
    static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final RedisOptions options;
    private final Duration retryDelay;
    private final Listener listener;
    private final Set<String> wanted = ConcurrentHashMap.newKeySet();
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    private final Set<String> leaving = ConcurrentHashMap.newKeySet();
    private Redis client;
    private volatile RedisConnection connection;
    private volatile long generation;
    private volatile boolean stopped;
    private volatile int failedConnects;

    /** {@code options}: type {@code CLUSTER} and the nodes' URLs, as {@code quarkus.redis.*} would give them. */
    public ShardedSubscriber(Vertx vertx, RedisOptions options, Duration retryDelay, Listener listener) {
        this.vertx = vertx;
        this.options = options;
        this.retryDelay = retryDelay;
        this.listener = listener;
    }

    public synchronized void start() {
        stopped = false;
        connect(generation);
    }

    public synchronized void stop() {
        stopped = true;
        generation++;
        live.clear();
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
        fresh.connect()
                .onSuccess(opened -> opened(attempt, opened))
                .onFailure(e -> {
                    LOG.debugf("Redis Cluster connect failed: %s", e.getMessage());
                    failedConnects++;
                    forget(fresh);
                    vertx.setTimer(retryDelay.toMillis(), id -> connect(attempt));
                });
    }

    /** Closes a client whose connect failed, once: a later {@link #stop} must not close it again (Vert.x throws). */
    private synchronized void forget(Redis failed) {
        if (client == failed) {
            client = null;
        }
        failed.close();
    }

    /** Connect attempts that failed so far (the cluster unreachable, or a node of its slot map). */
    int failedConnects() {
        return failedConnects;
    }

    private synchronized void opened(long attempt, RedisConnection opened) {
        if (stopped || attempt != generation) {
            opened.close();
            return;
        }
        connection = opened;
        opened.handler(response -> onPush(attempt, response));
        opened.endHandler(v -> reconnect(attempt, "a node connection ended"));
        opened.exceptionHandler(e -> reconnect(attempt, e.getMessage()));
        wanted.forEach(channel -> send(channel, attempt));
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
        vertx.setTimer(retryDelay.toMillis(), id -> connect(next));
    }

    private void close() {
        RedisConnection current = connection;
        connection = null;
        if (current != null) {
            current.close();
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
