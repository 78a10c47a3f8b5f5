package dev.forum.contract;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.payload.EventPayload;

/**
 * The one way between an envelope's JSON payload and its typed record. The mapper is the service's own (it brings
 * the java.time support the records' instants need); the records carry their naming and null rules themselves.
 * A record's primitive fields are required (a payload without one does not read); its other fields may be absent.
 */
public final class EventPayloads {

    private EventPayloads() {
    }

    /**
     * The envelope's payload as the record of its type. Refuses, with {@link IllegalArgumentException}, a payload of
     * a newer version than this build knows, a record that is not the type's, and a payload that does not read.
     */
    public static <P extends EventPayload> P read(ObjectMapper mapper, EventEnvelope envelope, Class<P> as) {
        EventType type = envelope.type();
        if (type.payloadType() != as) {
            throw new IllegalArgumentException(type + " payloads are " + type.payloadType().getSimpleName()
                    + ", not " + as.getSimpleName());
        }
        if (envelope.payloadVersion() > type.payloadVersion()) {
            throw new IllegalArgumentException(type + " event " + envelope.eventId() + " has payload version "
                    + envelope.payloadVersion() + "; this build reads up to " + type.payloadVersion());
        }
        ObjectNode payload = envelope.payload() == null ? mapper.createObjectNode() : envelope.payload();
        try {
            return mapper.reader(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).treeToValue(payload, as);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("unreadable " + type + " payload of event " + envelope.eventId() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The payload as the JSON object an envelope carries. */
    public static ObjectNode tree(ObjectMapper mapper, EventPayload payload) {
        return mapper.valueToTree(payload);
    }
}
