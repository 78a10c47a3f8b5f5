package dev.forum.gateway.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void forgedUserUpdatedOnTheTypingOrNotifyChannelIsRefused() {
        EventEnvelope promoteToAdmin = envelope(EventType.USER_UPDATED, Audience.INTERNAL, null);

        assertThat(EventSource.TYPING.refusal(promoteToAdmin)).isEqualTo("not_allowed_on_channel");
        assertThat(EventSource.NOTIFY.refusal(promoteToAdmin)).isEqualTo("not_allowed_on_channel");
    }

    @Test
    void outboxEventWithoutSeqIsRefused() {
        assertThat(EventSource.OUTBOX.refusal(envelope(EventType.USER_UPDATED, Audience.INTERNAL, null)))
                .isEqualTo("missing_seq");
        assertThat(EventSource.OUTBOX.refusal(envelope(EventType.NEW_MESSAGE, Audience.THREAD, null)))
                .isEqualTo("missing_seq");
        assertThat(EventSource.OUTBOX.refusal(envelope(EventType.USER_UPDATED, Audience.INTERNAL, 7L))).isNull();
    }

    @Test
    void fakeNotificationOnTheEventsOrTypingChannelIsRefused() {
        EventEnvelope fake = envelope(EventType.FORUM_NOTIFICATION, Audience.USER, 7L);

        assertThat(EventSource.OUTBOX.refusal(fake)).isEqualTo("not_allowed_on_channel");
        assertThat(EventSource.TYPING.refusal(fake)).isEqualTo("not_allowed_on_channel");
        assertThat(EventSource.NOTIFY.refusal(envelope(EventType.FORUM_NOTIFICATION, Audience.USER, null))).isNull();
        assertThat(EventSource.NOTIFY.refusal(envelope(EventType.FORUM_NOTIFICATION, Audience.ALL, null)))
                .isEqualTo("not_allowed_on_channel");
        assertThat(EventSource.NOTIFY.refusal(envelope(EventType.EVERYONE_MENTION, Audience.READERS, null))).isNull();
        assertThat(EventSource.NOTIFY.refusal(envelope(EventType.UNREAD_COUNTS_CHANGED, Audience.READERS, null)))
                .isNull();
        assertThat(EventSource.OUTBOX.refusal(envelope(EventType.UNREAD_COUNTS_CHANGED, Audience.READERS, 7L)))
                .isEqualTo("not_allowed_on_channel");
    }

    @Test
    void typingOnlyAsTypingWithoutSeq() {
        assertThat(EventSource.TYPING.refusal(envelope(EventType.USER_TYPING, Audience.THREAD, null))).isNull();
        assertThat(EventSource.TYPING.refusal(envelope(EventType.USER_TYPING, Audience.ALL, null)))
                .isEqualTo("not_allowed_on_channel");
        assertThat(EventSource.TYPING.refusal(envelope(EventType.USER_TYPING, Audience.THREAD, 3L)))
                .isEqualTo("unexpected_seq");
        assertThat(EventSource.OUTBOX.refusal(envelope(EventType.USER_TYPING, Audience.THREAD, 3L)))
                .isEqualTo("not_allowed_on_channel");
        assertThat(EventSource.TYPING.refusal(envelope(null, Audience.THREAD, null))).isEqualTo("invalid_envelope");
    }

    @Test
    void outboxEventOfNoShardStreamIsRefused() {
        EventEnvelope legacy = new EventEnvelope(UUID.randomUUID(), 7L, EventType.NEW_MESSAGE, "thread", "12",
                Audience.THREAD, 12L, null, 0, Instant.now(), JSON.createObjectNode());

        assertThat(EventSource.OUTBOX.refusal(legacy)).isEqualTo("missing_shard");
    }

    /** With a {@code seq}: numbered in shard 12's stream of epoch 1, as forum-api's events are. */
    private static EventEnvelope envelope(EventType type, Audience audience, Long seq) {
        ObjectNode payload = JSON.createObjectNode();
        return new EventEnvelope(UUID.randomUUID(), seq == null ? null : 1, seq == null ? null : 12, seq, type, null,
                "user", "5", audience, 12L, audience == Audience.USER ? 5L : null, 0, Instant.now(), payload);
    }
}
