package dev.forum.contract;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventEnvelopeTest {

    private static final UUID DEFAULT_EVENT_ID = UUID.fromString("7f6d0c1e-4d0b-4c53-9a43-2f1a1f0f6a11");
    private final ObjectMapper mapper = new ObjectMapper().registerModule(new JavaTimeModule());

    private EventEnvelope newMessage() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.putObject("message").put("id", 88).put("content", "hi");
        return new EventEnvelope(DEFAULT_EVENT_ID, 1042L, EventType.NEW_MESSAGE, "thread", "12", Audience.THREAD,
                12L, null, 0, Instant.parse("2026-11-24T17:30:00Z"), payload);
    }

    @Test
    void clientFrameFlattensPayloadBesideTheIds() {
        ObjectNode frame = newMessage().clientFrame();

        assertEquals("new_message", frame.get("type").asText());
        assertEquals(DEFAULT_EVENT_ID.toString(), frame.get("event_id").asText());
        assertEquals(1042, frame.get("seq").asLong());
        assertEquals(12, frame.get("thread_id").asLong());
        assertEquals("hi", frame.get("message").get("content").asText());
        assertFalse(frame.has("audience"), "routing fields stay on the server");
    }

    @Test
    void envelopeRoundTripsInSnakeCase() throws Exception {
        String json = mapper.writeValueAsString(newMessage());

        assertEquals(true, json.contains("\"event_id\""));
        assertEquals(true, json.contains("\"audience\":\"thread\""));
        assertFalse(json.contains("user_id"), "null fields are omitted");
        assertEquals(newMessage(), mapper.readValue(json, EventEnvelope.class));
    }

    @Test
    void envelopeOfAShardCarriesItsPositionAndRoundTrips() throws Exception {
        EventEnvelope sharded = newMessage().withPosition(1, 12, 7);

        String json = mapper.writeValueAsString(sharded);

        assertTrue(json.startsWith("{\"event_id\":\"" + DEFAULT_EVENT_ID + "\",\"shard_epoch\":1,\"shard\":12,\"seq\":7,"),
                json);
        assertEquals(sharded, mapper.readValue(json, EventEnvelope.class));
    }

    @Test
    void withPayloadKeepsThePosition() {
        EventEnvelope sharded = newMessage().withPosition(1, 12, 7);

        EventEnvelope replaced = sharded.withPayload(JsonNodeFactory.instance.objectNode().put("x", 1));

        assertEquals(1, replaced.shardEpoch());
        assertEquals(12, replaced.shard());
        assertEquals(7L, replaced.seq());
        assertEquals(1, replaced.payload().get("x").asInt());
    }

    @Test
    void envelopeOfTheLegacyStreamHasNoShardFields() throws Exception {
        String json = mapper.writeValueAsString(newMessage());

        assertFalse(json.contains("shard"), json);
        assertEquals(null, mapper.readValue(json, EventEnvelope.class).shard());
    }

    @Test
    void clientFrameKeepsSeqWithoutShardFields() {
        ObjectNode frame = newMessage().withPosition(1, 12, 7).clientFrame();

        assertEquals(7, frame.get("seq").asLong());
        assertFalse(frame.has("shard"));
        assertFalse(frame.has("shard_epoch"));
    }

    @Test
    void channelsNameOneHashTaggedChannelPerShard() {
        Channels channels = new Channels("t1", 16);

        assertEquals("t1:events:{7}", channels.events(7));
        assertEquals("t1:events:{-1}", channels.events(EventShards.FORUM));
    }

    @Test
    void eventsPatternCoversEveryShardChannel() {
        Channels channels = new Channels("t1", 16);

        assertEquals("t1:events:*", channels.eventsPattern());
    }

    @Test
    void staffReadEveryThreadMembersNeedTheTier() {
        ThreadAccess gated = new ThreadAccess(1, 500, false);

        assertEquals(true, gated.canRead(Role.MODERATOR, 0));
        assertEquals(false, gated.canRead(Role.MEMBER, 499));
        assertEquals(true, gated.canRead(Role.MEMBER, 500));
        assertEquals(false, new ThreadAccess(1, 0, true).canRead(Role.ADMIN, 0));
    }
}
