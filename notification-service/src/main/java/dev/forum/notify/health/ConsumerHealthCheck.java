package dev.forum.notify.health;

import dev.forum.notify.db.Sql;
import dev.forum.notify.listener.FeedConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when PostgreSQL answers (a stand-by replica is ready too: it serves REST); reports whether this
 * replica is the consumer leader and where the consumer stands in forum-api's feed (cursor, head and lag summed
 * over the streams, see {@link FeedConsumer#cursor()}).
 */
@Readiness
@ApplicationScoped
public class ConsumerHealthCheck implements HealthCheck {

    private final Sql sql;
    private final FeedConsumer consumer;

    public ConsumerHealthCheck(Sql sql, FeedConsumer consumer) {
        this.sql = sql;
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("notification-consumer")
                .withData("consumer_enabled", consumer.enabled())
                .withData("leader", consumer.leader())
                .withData("cursor", consumer.cursor())
                .withData("head_seq", consumer.headSeq())
                .withData("lag", consumer.lag())
                .withData("legacy_finished", consumer.legacyFinished())
                .withData("shard_epoch", consumer.shardEpoch())
                .withData("shard_count", consumer.shardCount())
                .withData("stalled_shards", consumer.stalledShards().toString())
                .withData("seconds_since_feed_read", consumer.secondsSinceLastSuccess());
        try {
            sql.count("SELECT 1");
            return builder.up().withData("postgresql", "up").build();
        } catch (RuntimeException e) {
            return builder.down().withData("postgresql", e.getMessage()).build();
        }
    }
}
