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

import java.util.List;

/**
 * Publishes user-addressed envelopes on {@code Channels.notifications()}, after the transaction that
 * stored their notifications committed. Fire and forget: pub/sub is at most once anyway, and the
 * durable state (notifications, counts) is in PostgreSQL, read by the client over REST.
 */
@ApplicationScoped
public class NotificationPublisher {

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

    public void publishAll(List<EventEnvelope> envelopes) {
        envelopes.forEach(this::publish);
    }

    public void publish(EventEnvelope envelope) {
        String json;
        try {
            json = mapper.writeValueAsString(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + envelope.type(), e);
        }
        pubsub.publish(channel, json).subscribe().with(
                receivers -> published.increment(),
                failure -> {
                    failed.increment();
                    Log.warnf("push %s to %s failed: %s", envelope.type(), channel, failure.getMessage());
                });
    }
}
