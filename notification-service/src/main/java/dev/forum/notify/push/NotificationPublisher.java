package dev.forum.notify.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * Publishes user-addressed envelopes on {@code Channels.notifications()}, for {@link PushRelay}, which
 * publishes push_outbox rows once their transaction committed.
 */
@ApplicationScoped
public class NotificationPublisher {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    private final ReactivePubSubCommands<String> pubsub;
    private final ObjectMapper mapper;
    private final String channel;
    private final Counter published;
    private final Counter failed;

    public NotificationPublisher(ReactiveRedisDataSource redis, ObjectMapper mapper, NotifyConfig config,
            MeterRegistry registry) {
        this.pubsub = redis.pubsub(String.class);
        this.mapper = mapper;
        this.channel = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT).notifications();
        this.published = registry.counter("notify.pushes.published");
        this.failed = registry.counter("notify.pushes.failed");
    }

    public String channel() {
        return channel;
    }

    /** Publishes and waits for Redis to accept it; false (counted, logged) when it did not. */
    public boolean publishAndAwait(EventEnvelope envelope) {
        String json;
        try {
            json = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + envelope.type(), e);
        }
        try {
            pubsub.publish(channel, json).await().atMost(PUBLISH_TIMEOUT);
            published.increment();
            return true;
        } catch (RuntimeException e) {
            failed.increment();
            Log.warnf("push %s to %s failed: %s", envelope.type(), channel, e.getMessage());
            return false;
        }
    }
}
