package dev.forum.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.config.ForumConfig;
import dev.forum.contract.Channels;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

/**
 * Subscribes to this run's {@code <ns>:events:*} on the real Redis and records every envelope received, with its
 * channel, so tests can assert what the relay published.
 */
@Startup
@ApplicationScoped
public class RedisEvents {

    public record Received(String channel, JsonNode event) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final PubSubCommands.RedisSubscriber subscriber;
    private final ObjectMapper json;

    public RedisEvents(RedisDataSource redis, ForumConfig config, ObjectMapper json) {
        this.json = json;
        Channels channels = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT);
        this.subscriber = redis.pubsub(String.class)
                .subscribeToPatterns(List.of(channels.eventsPattern()), (channel, message) -> {
                    try {
                        received.add(new Received(channel, this.json.readTree(message)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    @PreDestroy
    void close() {
        try {
            subscriber.unsubscribe();
        } catch (RuntimeException e) {
            // Redis client already closed at shutdown: nothing to unsubscribe from.
        }
    }

    public List<Received> all() {
        return new ArrayList<>(received);
    }

    public List<JsonNode> matching(Predicate<JsonNode> predicate) {
        return received.stream().map(Received::event).filter(predicate).toList();
    }

    /** Waits until an event of this type matching the predicate arrives; returns the first one. */
    public JsonNode await(String type, Predicate<JsonNode> predicate) {
        Predicate<JsonNode> full = e -> type.equals(e.path("type").asText()) && predicate.test(e);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !matching(full).isEmpty());
        return matching(full).get(0);
    }

    public static Predicate<JsonNode> thread(long threadId) {
        return e -> e.path("thread_id").asLong() == threadId;
    }

    /** The new_message event of message {@code messageId}. */
    public static Predicate<JsonNode> newMessage(long messageId) {
        return e -> "new_message".equals(e.path("type").asText())
                && e.path("payload").path("message").path("id").asLong() == messageId;
    }
}
