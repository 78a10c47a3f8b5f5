package dev.forum.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.notify.push.NotificationPublisher;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.ObserverMethod;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Records every envelope published on this run's notifications channel (the real Redis). Subscribes
 * before the push relay's startup run, so that it also sees pushes left pending by a previous run.
 */
@Startup(ObserverMethod.DEFAULT_PRIORITY - 100)
@ApplicationScoped
public class PushRecorder {

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final ObjectMapper mapper;
    private final RedisDataSource redis;
    private final String channel;
    private PubSubCommands.RedisSubscriber subscriber;

    public PushRecorder(RedisDataSource redis, NotificationPublisher publisher, ObjectMapper mapper) {
        this.mapper = mapper;
        this.redis = redis;
        this.channel = publisher.channel();
        this.subscriber = redis.pubsub(String.class).subscribe(channel, this::record);
    }

    /** Subscribes again (after a Redis restart, which ends the subscription). */
    public synchronized void resubscribe() {
        close();
        subscriber = redis.pubsub(String.class).subscribe(channel, this::record);
    }

    private void record(String json) {
        try {
            received.add(mapper.readTree(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public List<JsonNode> matching(Predicate<JsonNode> predicate) {
        return received.stream().filter(predicate).toList();
    }

    public List<JsonNode> forUser(long userId, String type) {
        return matching(e -> e.path("user_id").asLong() == userId && type.equals(e.path("type").asText()));
    }

    public List<JsonNode> ofType(String type) {
        return matching(e -> type.equals(e.path("type").asText()));
    }

    @PreDestroy
    void close() {
        try {
            subscriber.unsubscribe();
        } catch (RuntimeException e) {
            // Redis client already closed at shutdown: nothing left to unsubscribe
        }
    }
}
