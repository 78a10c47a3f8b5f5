package dev.forum.gateway.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.gateway.endpoint.GatewayError;

/** Builds every server frame, serialised once to UTF-8 bytes (see docs/websocket.md). */
public final class ServerFrames {

    private final ObjectMapper mapper;

    public ServerFrames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * An event as clients see it ({@link EventEnvelope#clientFrame()}), serialised once for all recipients. Only a
     * thread event keeps its {@code seq}: its position in the thread's shard stream, which clients compare per
     * thread. Other events (the forum shard's, e.g. {@code new_thread_created} with the new thread's id) are
     * numbered in another stream, and their seq would break that comparison.
     */
    public OutboundFrame event(EventEnvelope envelope) {
        ObjectNode frame = envelope.clientFrame();
        if (envelope.audience() != Audience.THREAD) {
            frame.remove("seq");
        }
        return new OutboundFrame(write(frame), envelope.type().wireName(),
                envelope.type() == EventType.USER_TYPING, envelope.committedAt());
    }

    public OutboundFrame connected(String connectionId, CurrentUser user, EndpointKind endpoint, Long threadId,
            long heartbeatSeconds) {
        ObjectNode frame = frame("connected");
        frame.put("connection_id", connectionId);
        frame.put("endpoint", endpoint.tag());
        ObjectNode userNode = frame.putObject("user");
        userNode.put("id", user.id());
        userNode.put("username", user.username());
        userNode.put("display_name", user.displayName());
        userNode.put("role", user.role() == null ? null : user.role().wireName());
        if (threadId != null) {
            frame.put("thread_id", threadId);
        }
        frame.put("heartbeat_seconds", heartbeatSeconds);
        return control(frame);
    }

    public OutboundFrame subscribed(long threadId, int replayed) {
        ObjectNode frame = frame("subscribed");
        frame.put("thread_id", threadId);
        frame.put("replayed", replayed);
        return control(frame);
    }

    public OutboundFrame unsubscribed(long threadId) {
        ObjectNode frame = frame("unsubscribed");
        frame.put("thread_id", threadId);
        return control(frame);
    }

    public OutboundFrame pong() {
        return control(frame("pong"));
    }

    public OutboundFrame heartbeat() {
        return control(frame("heartbeat"));
    }

    public OutboundFrame error(GatewayError error, String message, String request) {
        ObjectNode frame = frame("error");
        frame.put("code", error.code());
        frame.put("message", message);
        frame.put("temporary", error.temporary());
        frame.put("request", request);
        return control(frame);
    }

    public OutboundFrame subscriptionRevoked(long threadId, String reason) {
        ObjectNode frame = frame("subscription_revoked");
        frame.put("thread_id", threadId);
        frame.put("reason", reason);
        return control(frame);
    }

    public OutboundFrame resyncRequired(long threadId) {
        ObjectNode frame = frame("resync_required");
        frame.put("thread_id", threadId);
        return control(frame);
    }

    private ObjectNode frame(String type) {
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", type);
        return frame;
    }

    private OutboundFrame control(ObjectNode frame) {
        return OutboundFrame.control(frame.get("type").asText(), write(frame));
    }

    private byte[] write(ObjectNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise frame", e);
        }
    }
}
