package dev.forum.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Channels;
import dev.forum.gateway.endpoint.FrameParser;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.redis.ClusterBroker;
import dev.forum.gateway.redis.RedisBroker;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.replay.EventSequencer;
import dev.forum.gateway.shard.ShardLifecycle;
import dev.forum.gateway.shard.ShardLink;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Plain-Java collaborators made available as beans. */
public class GatewayBeans {

    /** Registry shards: enough to keep lock contention negligible on a few cores. */
    private static final int REGISTRY_SHARDS = 64;

    @Produces
    @Singleton
    ShardLifecycle shardLifecycle(GatewayConfig config, Vertx vertx, ShardLink link, GatewayMetrics metrics) {
        ShardLifecycle lifecycle = new ShardLifecycle(config.events().shardCount(), config.events().leaveGrace(),
                timers(vertx), link);
        metrics.watchShards(lifecycle::joinedShards);
        return lifecycle;
    }

    @Produces
    @Singleton
    SubscriptionRegistry subscriptionRegistry(GatewayMetrics metrics, ShardLifecycle shards) {
        SubscriptionRegistry registry = new SubscriptionRegistry(REGISTRY_SHARDS, shards);
        metrics.watch(registry);
        return registry;
    }

    /** One Redis or a Redis Cluster ({@code gateway.redis.mode}). */
    @Produces
    @Singleton
    Broker broker(GatewayConfig config, Vertx vertx, Channels channels, EventSequencer sequencer,
            GatewayMetrics metrics) {
        return config.redis().mode() == GatewayConfig.Redis.Mode.CLUSTER
                ? new ClusterBroker(vertx, channels, sequencer, metrics, config)
                : new RedisBroker(vertx, channels, sequencer, metrics, config);
    }

    void startBroker(@Observes StartupEvent event, Broker broker) {
        broker.start();
    }

    void stopBroker(@Observes ShutdownEvent event, Broker broker) {
        broker.stop();
    }

    @Produces
    @Singleton
    ServerFrames serverFrames(ObjectMapper mapper) {
        return new ServerFrames(mapper);
    }

    @Produces
    @Singleton
    FrameParser frameParser(ObjectMapper mapper) {
        return new FrameParser(mapper);
    }

    @Produces
    @Singleton
    Channels channels(GatewayConfig config) {
        return new Channels(config.redis().namespace(), config.events().shardCount());
    }

    /** One-shot Vert.x timers; each handle cancels its timer. */
    public static ShardLifecycle.Scheduler timers(Vertx vertx) {
        return (delay, task) -> {
            long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> task.run());
            return () -> vertx.cancelTimer(id);
        };
    }
}
