package dev.forum.gateway.health;

import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.replay.EventSequencer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready while serving. A Redis outage does not make the gateway unready (it keeps delivering from
 * the feed, and taking every replica out of the load balancer would help no one): it reports
 * {@code mode: feed_polling} / {@code redis: down} instead.
 */
@Readiness
@ApplicationScoped
public class GatewayReadinessCheck implements HealthCheck {

    private final Broker broker;
    private final EventSequencer sequencer;
    private final SubscriptionRegistry registry;

    public GatewayReadinessCheck(Broker broker, EventSequencer sequencer, SubscriptionRegistry registry) {
        this.broker = broker;
        this.sequencer = sequencer;
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        boolean redisUp = broker.isUp();
        return HealthCheckResponse.named("realtime-gateway")
                .up()
                .withData("redis", redisUp ? "up" : "down")
                .withData("mode", redisUp ? "redis" : "feed_polling")
                .withData("last_seq", sequencer.lastSeq())
                .withData("connections", registry.sessionCount())
                .build();
    }
}
