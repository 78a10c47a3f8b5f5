package dev.forum.api.outbox.health;

import dev.forum.api.outbox.service.OutboxRelay;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the relay's role and whether its last Redis publish worked. Always UP: with Redis down the event feed
 * still serves every event, so this replica can still take traffic (PostgreSQL readiness is checked separately).
 */
@Readiness
@ApplicationScoped
public class RelayHealthCheck implements HealthCheck {

    private final OutboxRelay relay;

    public RelayHealthCheck(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("outbox-relay")
                .up()
                .withData("leader", relay.isLeader())
                .withData("redis_last_publish_ok", relay.isLastPublishOk())
                .withData("namespace", relay.channels().namespace())
                .build();
    }
}
