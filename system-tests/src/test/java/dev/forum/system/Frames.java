package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Predicates and helpers over received frames. */
public final class Frames {

    public static final Duration WAIT = Duration.ofSeconds(15);

    private Frames() {
    }

    public static Predicate<JsonNode> type(String type) {
        return frame -> type.equals(frame.path("type").asText());
    }

    public static Predicate<JsonNode> type(String type, long threadId) {
        return type(type).and(frame -> frame.path("thread_id").asLong() == threadId);
    }

    public static Predicate<JsonNode> ofThread(long threadId) {
        return frame -> frame.path("thread_id").asLong() == threadId;
    }

    /** new_message of a given message id. */
    public static Predicate<JsonNode> newMessage(long messageId) {
        return type("new_message").and(frame -> frame.path("message").path("id").asLong() == messageId);
    }

    /** Outbox events (they carry a seq) of one thread, in the order received. */
    public static List<JsonNode> threadEvents(WsClient client, long threadId) {
        return client.frames().stream().filter(frame -> frame.has("seq") && frame.path("thread_id").asLong() == threadId)
                .toList();
    }

    public static List<Long> seqs(List<JsonNode> frames) {
        return frames.stream().map(frame -> frame.path("seq").asLong()).toList();
    }

    public static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(frame -> frame.path("type").asText()).toList();
    }

    /**
     * Ids of new_message frames from message {@code firstId} on. A thread's own first message is
     * published by the relay asynchronously and may or may not reach a socket that subscribed right
     * after creating the thread: tests count from their first posted message.
     */
    public static List<Long> newMessageIdsFrom(List<JsonNode> frames, long firstId) {
        return newMessageIds(frames).stream().filter(id -> id >= firstId).toList();
    }

    /**
     * Waits for the last of {@code posted} (message ids, oldest first), then checks that the client has
     * each of them exactly once, in that order, and the thread's events in seq order without duplicates.
     */
    public static void assertEveryMessageOnceInOrder(WsClient client, long threadId, List<Long> posted) {
        client.await(newMessage(posted.get(posted.size() - 1)), WAIT);
        List<JsonNode> events = threadEvents(client, threadId);
        assertThat(newMessageIdsFrom(events, posted.get(0))).containsExactlyElementsOf(posted);
        assertThat(seqs(events)).isSorted().doesNotHaveDuplicates();
    }

    public static List<Long> newMessageIds(List<JsonNode> frames) {
        return frames.stream().filter(type("new_message")).map(frame -> frame.path("message").path("id").asLong())
                .toList();
    }
}
