package dev.forum.gateway.redis;

import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.common.redis.LinkWatchdog;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.replay.EventSequencer;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pub/sub on one Redis (gateway.redis.mode=single), on one dedicated connection: SUBSCRIBE to the typing and
 * notification channels, to this gateway's own heartbeat channel, to the forum shard's events channel, and to each
 * thread shard's events channel while {@link #subscribeShard} asked for it (a SUBSCRIBE or UNSUBSCRIBE of that one
 * channel on the same connection). Messages are handed to the {@link EventSequencer} untouched (no parsing on the
 * Redis I/O thread), an events message with its channel's shard; each events channel's confirmation tells the
 * sequencer that shard is live. When the connection drops, or PINGs on a separate connection fail, or the heartbeat
 * this gateway publishes every {@code gateway.redis.heartbeat-interval} on the command connection has not come back
 * on the subscriber connection within {@code gateway.redis.heartbeat-timeout} (a half-open connection that nobody
 * closes), the link is marked down (the sequencer polls every shard from the feed), the subscriber connection is
 * closed and a new one is opened and RESUBSCRIBED every {@code gateway.redis.reconnect-delay} until Redis answers
 * again.
 */
public class RedisBroker implements Broker {

    /** The typing, notification and heartbeat channels: confirmed, the link is up. */
    private static final int CONTROL_SUBSCRIPTIONS = 3;
    private static final int FAILED_PINGS_BEFORE_DOWN = 2;

    private final Vertx vertx;
    private final Channels channels;
    private final EventSequencer sequencer;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final AtomicInteger failedPings = new AtomicInteger();
    private final String heartbeatChannel;
    /** {@code CLIENT SETNAME} of the subscriber connection: tells operators (and tests) which one it is in CLIENT LIST. */
    private final String subscriberName;
    private final LinkWatchdog watchdog;
    /** The shards whose events channel is wanted, and every events channel's shard (looked up per message). */
    private final Set<Integer> wantedShards = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> eventChannels = new ConcurrentHashMap<>();
    private Redis commands;
    private volatile Redis subscriberClient;
    private volatile RedisConnection subscriber;
    private volatile boolean up;
    private volatile boolean stopping;
    private long pingTimer = -1;
    private long heartbeatTimer = -1;

    public RedisBroker(Vertx vertx, Channels channels, EventSequencer sequencer, GatewayMetrics metrics,
            GatewayConfig config) {
        this.vertx = vertx;
        this.channels = channels;
        this.sequencer = sequencer;
        this.metrics = metrics;
        this.config = config;
        String id = UUID.randomUUID().toString();
        this.heartbeatChannel = channels.namespace() + ":gateway-heartbeat:" + id;
        this.subscriberName = "gateway-subscriber-" + id;
        this.watchdog = new LinkWatchdog(config.redis().heartbeatTimeout(), System::nanoTime);
        want(EventShards.FORUM);
    }

    @Override
    public void start() {
        commands = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redis().url())
                .setMaxPoolSize(4).setMaxPoolWaiting(64));
        connect();
        pingTimer = vertx.setPeriodic(config.redis().pingInterval().toMillis(), id -> ping());
        heartbeatTimer = vertx.setPeriodic(config.redis().heartbeatInterval().toMillis(), id -> heartbeat());
    }

    @Override
    public void stop() {
        stopping = true;
        if (pingTimer >= 0) {
            vertx.cancelTimer(pingTimer);
        }
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        closeSubscriber();
        if (commands != null) {
            commands.close();
        }
    }

    @Override
    public boolean isUp() {
        return up;
    }

    /** The name of the subscriber connection in Redis's CLIENT LIST. */
    String subscriberName() {
        return subscriberName;
    }

    @Override
    public void subscribeShard(int shard) {
        if (want(shard)) {
            RedisConnection connection = subscriber;
            if (connection != null) {
                // Not subscribed yet (the connection is being opened): subscribe() sends every wanted channel.
                connection.send(Request.cmd(Command.SUBSCRIBE).arg(channels.events(shard)))
                        .onFailure(e -> lost(connection, e.getMessage()));
            }
        }
    }

    @Override
    public void unsubscribeShard(int shard) {
        if (shard != EventShards.FORUM && wantedShards.remove(shard)) {
            RedisConnection connection = subscriber;
            if (connection != null) {
                connection.send(Request.cmd(Command.UNSUBSCRIBE).arg(channels.events(shard)));
            }
        }
    }

    private boolean want(int shard) {
        eventChannels.putIfAbsent(channels.events(shard), shard);
        return wantedShards.add(shard);
    }

    @Override
    public void publish(String channel, String message) {
        commands.send(Request.cmd(Command.PUBLISH).arg(channel).arg(message))
                .onFailure(e -> {
                    Log.debugf("publish to %s failed: %s", channel, e.getMessage());
                    metrics.drop("publish_failed");
                });
    }

    private void connect() {
        if (stopping) {
            return;
        }
        Redis client = Redis.createClient(vertx, new RedisOptions().setConnectionString(config.redis().url()));
        subscriberClient = client;
        client.connect()
                .onSuccess(connection -> subscribe(client, connection))
                .onFailure(e -> {
                    Log.debugf("Redis connect failed: %s", e.getMessage());
                    client.close();
                    scheduleReconnect();
                });
    }

    private void subscribe(Redis client, RedisConnection connection) {
        AtomicInteger confirmed = new AtomicInteger();
        connection.handler(response -> onMessage(connection, response, confirmed));
        connection.exceptionHandler(e -> lost(connection, e.getMessage()));
        connection.endHandler(v -> lost(connection, "connection closed"));
        subscriber = connection;
        Request subscribe = Request.cmd(Command.SUBSCRIBE).arg(channels.typing()).arg(channels.notifications())
                .arg(heartbeatChannel);
        wantedShards.forEach(shard -> subscribe.arg(channels.events(shard)));
        connection.send(Request.cmd(Command.CLIENT).arg("SETNAME").arg(subscriberName))
                .compose(r -> connection.send(subscribe))
                .onFailure(e -> lost(connection, e.getMessage()));
    }

    private void onMessage(RedisConnection connection, Response response, AtomicInteger confirmed) {
        if (response == null || response.size() < 3) {
            return;
        }
        String kind = response.get(0).toString();
        String channel = response.get(1).toString();
        switch (kind) {
            case "message" -> {
                Integer shard = eventChannels.get(channel);
                if (shard != null) {
                    sequencer.submit(response.get(2).toString(), EventSource.OUTBOX, shard);
                } else if (heartbeatChannel.equals(channel)) {
                    if (connection == subscriber) {
                        watchdog.heard();
                    }
                } else {
                    sequencer.submit(response.get(2).toString(),
                            channel.equals(channels.typing()) ? EventSource.TYPING : EventSource.NOTIFY);
                }
            }
            case "subscribe" -> {
                if (connection != subscriber) {
                    return;
                }
                Integer shard = eventChannels.get(channel);
                if (shard != null) {
                    sequencer.shardLive(shard);
                } else if (confirmed.incrementAndGet() == CONTROL_SUBSCRIPTIONS) {
                    markUp();
                }
            }
            default -> {
            }
        }
    }

    private void markUp() {
        failedPings.set(0);
        watchdog.arm();
        up = true;
        metrics.redisLink(true);
        Log.infof("Redis subscription live on %s, %s and %d events channels", channels.typing(),
                channels.notifications(), wantedShards.size());
    }

    private synchronized void lost(RedisConnection connection, String why) {
        if (connection != subscriber) {
            return;
        }
        Log.warnf("Redis subscriber connection lost: %s", why);
        up = false;
        metrics.redisLink(false);
        watchdog.disarm();
        sequencer.brokerDown();
        closeSubscriber();
        scheduleReconnect();
    }

    private void closeSubscriber() {
        RedisConnection connection = subscriber;
        subscriber = null;
        if (connection != null) {
            connection.close();
        }
        Redis client = subscriberClient;
        subscriberClient = null;
        if (client != null) {
            client.close();
        }
    }

    private void scheduleReconnect() {
        if (!stopping) {
            vertx.setTimer(config.redis().reconnectDelay().toMillis(), id -> connect());
        }
    }

    private void ping() {
        if (stopping || commands == null) {
            return;
        }
        commands.send(Request.cmd(Command.PING))
                .timeout(config.redis().pingInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .onSuccess(r -> failedPings.set(0))
                .onFailure(e -> {
                    if (failedPings.incrementAndGet() >= FAILED_PINGS_BEFORE_DOWN && up) {
                        RedisConnection connection = subscriber;
                        if (connection != null) {
                            lost(connection, "PING failed: " + e.getMessage());
                        }
                    }
                });
    }

    /**
     * Declares the subscriber connection lost when this gateway's last heartbeats did not come back on
     * it in time (the connection may look open but deliver nothing), otherwise publishes the next one.
     */
    private void heartbeat() {
        if (stopping || commands == null || !up) {
            return;
        }
        RedisConnection connection = subscriber;
        if (connection != null && watchdog.isSilent()) {
            metrics.redisConnectionSilent();
            lost(connection, "no heartbeat on the subscriber connection within "
                    + config.redis().heartbeatTimeout().toMillis() + " ms");
            return;
        }
        commands.send(Request.cmd(Command.PUBLISH).arg(heartbeatChannel).arg(System.currentTimeMillis()))
                .onFailure(e -> Log.debugf("heartbeat publish failed: %s", e.getMessage()));
    }
}
