package dev.forum.gateway.endpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class FrameParserTest {

    private final FrameParser parser = new FrameParser(new ObjectMapper());

    @Test
    void subscribeWithLastEventIdIsParsed() {
        UUID id = UUID.randomUUID();
        FrameParser.Result result = parser.parse(
                "{\"type\":\"subscribe\",\"thread_id\":12,\"last_event_id\":\"" + id + "\"}");
        assertThat(result).isEqualTo(new FrameParser.Parsed(
                new InboundFrame(InboundFrame.Kind.SUBSCRIBE, 12L, id, false)));
    }

    @Test
    void typingIsParsed() {
        assertThat(parser.parse("{\"type\":\"typing\",\"thread_id\":3,\"is_typing\":true}"))
                .isEqualTo(new FrameParser.Parsed(new InboundFrame(InboundFrame.Kind.TYPING, 3L, null, true)));
    }

    @Test
    void pingNeedsNoOtherField() {
        assertThat(parser.parse("{\"type\":\"ping\"}"))
                .isEqualTo(new FrameParser.Parsed(new InboundFrame(InboundFrame.Kind.PING, null, null, false)));
    }

    @Test
    void malformedJsonIsRejected() {
        assertRejected("{not json", GatewayError.MALFORMED_JSON, null);
        assertRejected("[1,2]", GatewayError.MALFORMED_JSON, null);
    }

    @Test
    void missingTypeIsRejected() {
        assertRejected("{\"thread_id\":1}", GatewayError.MISSING_FIELD, null);
    }

    @Test
    void unknownTypeIsRejectedWithTheRequestType() {
        assertRejected("{\"type\":\"explode\"}", GatewayError.UNKNOWN_TYPE, "explode");
    }

    @Test
    void subscribeWithoutThreadIdIsRejected() {
        assertRejected("{\"type\":\"subscribe\"}", GatewayError.MISSING_FIELD, "subscribe");
    }

    @Test
    void invalidFieldsAreRejected() {
        assertRejected("{\"type\":\"subscribe\",\"thread_id\":\"12\"}", GatewayError.INVALID_FIELD, "subscribe");
        assertRejected("{\"type\":\"subscribe\",\"thread_id\":-1}", GatewayError.INVALID_FIELD, "subscribe");
        assertRejected("{\"type\":\"subscribe\",\"thread_id\":1,\"last_event_id\":\"nope\"}",
                GatewayError.INVALID_FIELD, "subscribe");
        assertRejected("{\"type\":\"typing\",\"thread_id\":1,\"is_typing\":\"yes\"}", GatewayError.INVALID_FIELD,
                "typing");
    }

    private void assertRejected(String text, GatewayError error, String request) {
        FrameParser.Result result = parser.parse(text);
        assertThat(result).isInstanceOf(FrameParser.Rejected.class);
        FrameParser.Rejected rejected = (FrameParser.Rejected) result;
        assertThat(rejected.error()).isEqualTo(error);
        assertThat(rejected.request()).isEqualTo(request);
        assertThat(rejected.message()).isNotBlank();
    }
}
