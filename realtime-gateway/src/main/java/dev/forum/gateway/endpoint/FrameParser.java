package dev.forum.gateway.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.UUID;

/** Turns a client text frame into an {@link InboundFrame}, or says precisely what is wrong with it. */
public final class FrameParser {

    /** What parsing produced. */
    public sealed interface Result permits Parsed, Rejected {
    }

    public record Parsed(InboundFrame frame) implements Result {
    }

    /** {@code request} is the frame's {@code type} when it could be read, else null. */
    public record Rejected(GatewayError error, String message, String request) implements Result {
    }

    private final ObjectMapper mapper;

    public FrameParser(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Result parse(String text) {
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return new Rejected(GatewayError.MALFORMED_JSON, "frame is not valid JSON", null);
        }
        if (node == null || !node.isObject()) {
            return new Rejected(GatewayError.MALFORMED_JSON, "frame must be a JSON object", null);
        }
        JsonNode typeNode = node.get("type");
        if (typeNode == null || typeNode.isNull()) {
            return new Rejected(GatewayError.MISSING_FIELD, "field 'type' is required", null);
        }
        if (!typeNode.isTextual()) {
            return new Rejected(GatewayError.INVALID_FIELD, "field 'type' must be a string", null);
        }
        String type = typeNode.asText();
        InboundFrame.Kind kind = InboundFrame.Kind.fromWireName(type);
        if (kind == null) {
            return new Rejected(GatewayError.UNKNOWN_TYPE, "unknown frame type", type);
        }
        JsonNode threadNode = node.get("thread_id");
        Long threadId = null;
        if (threadNode != null && !threadNode.isNull()) {
            if (!threadNode.canConvertToLong() || !threadNode.isIntegralNumber() || threadNode.asLong() < 1) {
                return new Rejected(GatewayError.INVALID_FIELD, "field 'thread_id' must be a positive integer", type);
            }
            threadId = threadNode.asLong();
        }
        if ((kind == InboundFrame.Kind.SUBSCRIBE || kind == InboundFrame.Kind.UNSUBSCRIBE) && threadId == null) {
            return new Rejected(GatewayError.MISSING_FIELD, "field 'thread_id' is required", type);
        }
        UUID lastEventId = null;
        JsonNode lastNode = node.get("last_event_id");
        if (kind == InboundFrame.Kind.SUBSCRIBE && lastNode != null && !lastNode.isNull()) {
            try {
                lastEventId = UUID.fromString(lastNode.asText());
            } catch (IllegalArgumentException e) {
                return new Rejected(GatewayError.INVALID_FIELD, "field 'last_event_id' must be a UUID", type);
            }
        }
        boolean typing = false;
        JsonNode typingNode = node.get("is_typing");
        if (typingNode != null && !typingNode.isNull()) {
            if (!typingNode.isBoolean()) {
                return new Rejected(GatewayError.INVALID_FIELD, "field 'is_typing' must be a boolean", type);
            }
            typing = typingNode.asBoolean();
        }
        return new Parsed(new InboundFrame(kind, threadId, lastEventId, typing));
    }
}
