package dev.forum.gateway.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventShards;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.gateway.internal.TokenBucket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Connections and events for the gateway's unit tests: a connection is a real session over a {@link RecordingSink}. */
public final class TestClients {

    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private TestClients() {
    }

    /** A connection and what its socket received. */
    public record Client(ClientSession session, RecordingSink sink) {

        public List<String> sent() {
            return sink.sent;
        }

        /** The {@code seq} of each event frame received, in order. */
        public List<Long> seqs() {
            return sink.sent.stream().map(TestClients::read).filter(f -> f.has("seq")).map(f -> f.get("seq").asLong())
                    .toList();
        }

        /** The {@code type} of each frame received, in order. */
        public List<String> types() {
            return sink.sent.stream().map(f -> read(f).path("type").asText()).toList();
        }
    }

    /** A connection of a user with this role and tier, added to the registry. */
    public static Client connect(SubscriptionRegistry registry, String id, long userId, Role role, int tierCents) {
        RecordingSink sink = new RecordingSink();
        ClientSession session = new ClientSession(id, EndpointKind.V2,
                new CurrentUser(userId, "u" + userId, "U" + userId, role, tierCents), "token-" + id,
                new OutboundWriter(1_000_000, sink, DeliveryListener.NONE), new TokenBucket(10, 10, System::nanoTime));
        registry.addSession(session);
        return new Client(session, sink);
    }

    /** The shard count of the tests' events (forum-api's default). */
    public static final int SHARDS = EventShards.DEFAULT_COUNT;
    public static final int EPOCH = 1;

    /**
     * An outbox event of a thread (audience thread), numbered {@code seq} in its thread's shard stream of epoch
     * {@link #EPOCH}, readable from {@code minTier}.
     */
    public static EventEnvelope threadEvent(EventType type, long seq, long threadId, int minTier, ObjectNode payload) {
        return new EventEnvelope(UUID.randomUUID(), EPOCH, shardOf(threadId), seq, type, null, "thread",
                Long.toString(threadId), Audience.THREAD, threadId, null, minTier, Instant.now(), payload);
    }

    public static EventEnvelope newMessage(long seq, long threadId, int minTier) {
        return newMessage(EPOCH, seq, threadId, minTier);
    }

    /** A new_message numbered {@code seq} in its thread's shard stream of {@code epoch}. */
    public static EventEnvelope newMessage(int epoch, long seq, long threadId, int minTier) {
        return new EventEnvelope(UUID.randomUUID(), epoch, shardOf(threadId), seq, EventType.NEW_MESSAGE, null,
                "thread", Long.toString(threadId), Audience.THREAD, threadId, null, minTier, Instant.now(),
                JSON.createObjectNode().put("message_id", seq));
    }

    public static int shardOf(long threadId) {
        return EventShards.shardOf(Audience.THREAD, threadId, SHARDS);
    }

    public static String frame(OutboundFrame frame) {
        return new String(frame.utf8(), StandardCharsets.UTF_8);
    }

    private static JsonNode read(String frame) {
        try {
            return JSON.readTree(frame);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
