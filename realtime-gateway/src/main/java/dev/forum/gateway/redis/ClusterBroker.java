package dev.forum.gateway.redis;

import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.replay.EventSequencer;
import dev.forum.common.redis.ShardedSubscriber;
import io.quarkus.logging.Log;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sharded pub/sub on a Redis Cluster (gateway.redis.mode=cluster, gateway.redis.url a comma-separated list of seed
 * nodes): {@code SSUBSCRIBE} to the typing and notification channels, the forum shard's events channel and each
 * thread shard's events channel while {@link #subscribeShard} asked for it, each on the master that owns its slot,
 * through {@link ShardedSubscriber} (which subscribes again after a failover or a slot move and reports each channel
 * lost and live again); typing is published with {@code SPUBLISH}. A lost events channel is polled from the feed by
 * the {@link EventSequencer} until it is live again, then caught up. A node's connection that ends, a subscription
 * left unconfirmed, or a node connection that answers no heartbeat probe for {@code gateway.redis.heartbeat-timeout}
 * (probed every {@code gateway.redis.heartbeat-interval}; a half-open link delivers nothing and never ends) makes
 * the subscriber reconnect; {@code gateway_redis_up} is 0 meanwhile, as in single mode.
 */
public class ClusterBroker implements Broker {

    private final Vertx vertx;
    private final Channels channels;
    private final EventSequencer sequencer;
    private final GatewayMetrics metrics;
    private final RedisOptions options;
    private final ShardedSubscriber subscriber;
    private final Map<String, Integer> eventChannels = new ConcurrentHashMap<>();
    private final Set<String> liveControlChannels = ConcurrentHashMap.newKeySet();
    private volatile boolean up;
    private Redis commands;

    public ClusterBroker(Vertx vertx, Channels channels, EventSequencer sequencer, GatewayMetrics metrics,
            GatewayConfig config) {
        this.vertx = vertx;
        this.channels = channels;
        this.sequencer = sequencer;
        this.metrics = metrics;
        this.options = clusterOptions(config.redis().url());
        this.subscriber = new ShardedSubscriber(vertx, options, new ShardedSubscriber.Timing(
                config.redis().reconnectDelay(), config.redis().heartbeatInterval(), config.redis().heartbeatTimeout()),
                new Listener());
    }

    /** The Vert.x cluster client's options for a comma-separated list of seed node URLs. */
    public static RedisOptions clusterOptions(String seeds) {
        RedisOptions options = new RedisOptions().setType(RedisClientType.CLUSTER).setMaxPoolSize(4)
                .setMaxPoolWaiting(64);
        for (String seed : seeds.split(",")) {
            if (!seed.isBlank()) {
                options.addConnectionString(seed.trim());
            }
        }
        return options;
    }

    @Override
    public void start() {
        commands = Redis.createClient(vertx, options);
        subscriber.start();
        subscriber.subscribe(channels.typing());
        subscriber.subscribe(channels.notifications());
        subscribeShard(EventShards.FORUM);
    }

    @Override
    public void stop() {
        subscriber.stop();
        if (commands != null) {
            commands.close();
        }
    }

    @Override
    public boolean isUp() {
        return up;
    }

    @Override
    public void publish(String channel, String message) {
        commands.send(Request.cmd(Command.SPUBLISH).arg(channel).arg(message))
                .onFailure(e -> {
                    Log.debugf("publish to %s failed: %s", channel, e.getMessage());
                    metrics.drop("publish_failed");
                });
    }

    @Override
    public void subscribeShard(int shard) {
        String channel = channels.events(shard);
        eventChannels.putIfAbsent(channel, shard);
        subscriber.subscribe(channel);
    }

    @Override
    public void unsubscribeShard(int shard) {
        if (shard != EventShards.FORUM) {
            subscriber.unsubscribe(channels.events(shard));
        }
    }

    private final class Listener implements ShardedSubscriber.Listener {

        @Override
        public void onMessage(String channel, String message) {
            Integer shard = eventChannels.get(channel);
            if (shard != null) {
                sequencer.submit(message, EventSource.OUTBOX, shard);
            } else {
                sequencer.submit(message, channel.equals(channels.typing()) ? EventSource.TYPING : EventSource.NOTIFY);
            }
        }

        @Override
        public void onSubscribed(String channel) {
            Integer shard = eventChannels.get(channel);
            if (shard != null) {
                sequencer.shardLive(shard);
            } else if (liveControlChannels.add(channel) && liveControlChannels.size() == 2) {
                up = true;
                metrics.redisLink(true);
                Log.infof("Redis Cluster subscriptions live on %s and %s", channels.typing(), channels.notifications());
            }
        }

        @Override
        public void onSilent(String node) {
            metrics.redisConnectionSilent();
        }

        @Override
        public void onLost(String channel) {
            Integer shard = eventChannels.get(channel);
            if (shard != null) {
                sequencer.shardLost(shard);
            } else if (liveControlChannels.remove(channel)) {
                up = false;
                metrics.redisLink(false);
            }
        }
    }
}
