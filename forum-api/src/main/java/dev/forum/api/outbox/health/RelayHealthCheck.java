package dev.forum.api.outbox.health;

import dev.forum.api.outbox.service.OutboxRelay;
import dev.forum.api.outbox.service.ShardEpochs;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the relay partitions this replica owns, its shard epoch and whether its last Redis publish worked.
 * Always UP: with Redis down the event feed still serves every event, so this replica can still take traffic
 * (PostgreSQL readiness is checked separately).
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
        ShardEpochs.Epoch epoch = relay.epoch();
        return HealthCheckResponse.named("outbox-relay")
                .up()
                .withData("partitions_owned", relay.ownedPartitions().toString())
                .withData("partitions", relay.partitionCount())
                .withData("shard_epoch", epoch == null ? 0 : epoch.epoch())
                .withData("shard_count", epoch == null ? 0 : epoch.shardCount())
                .withData("redis_last_publish_ok", relay.isLastPublishOk())
                .withData("namespace", relay.channels().namespace())
                .build();
    }
}
