package dev.forum.gateway.health;

import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.replay.EventSequencer;
import dev.forum.gateway.shard.ShardLifecycle;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while serving. A Redis outage does not make the gateway unready (it keeps delivering from
 * the feed, and taking every replica out of the load balancer would help no one): it reports
 * {@code redis: down}, {@code mode: feed_polling} and how many of its shards it polls instead
 * ({@code polled_shards}; also while one shard's subscription waits for a failover).
 */
@Readiness
@ApplicationScoped
public class GatewayReadinessCheck implements HealthCheck {

    private final Broker broker;
    private final EventSequencer sequencer;
    private final SubscriptionRegistry registry;
    private final ShardLifecycle shards;

    public GatewayReadinessCheck(Broker broker, EventSequencer sequencer, SubscriptionRegistry registry,
            ShardLifecycle shards) {
        this.broker = broker;
        this.sequencer = sequencer;
        this.registry = registry;
        this.shards = shards;
    }

    @Override
    public HealthCheckResponse call() {
        boolean redisUp = broker.isUp();
        int polled = sequencer.polledShards();
        return HealthCheckResponse.named("realtime-gateway")
                .up()
                .withData("redis", redisUp ? "up" : "down")
                .withData("mode", redisUp && polled == 0 ? "redis" : "feed_polling")
                .withData("polled_shards", polled)
                .withData("subscribed_shards", shards.joinedShards())
                .withData("shard_epoch", sequencer.shardEpoch())
                .withData("connections", registry.sessionCount())
                .build();
    }
}
