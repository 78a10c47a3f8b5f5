package dev.forum.api.outbox.mapping;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.forum.api.message.Message;
import dev.forum.api.outbox.NewEvent;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.user.User;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What {@link EventMapper} writes for every forum-api event type has the fields of the events the previous version
 * wrote (event-contract's fixtures/v1, captured on the wire), and reads back into the same record.
 */
class EventMapperTest {

    private static final Path FIXTURES = Path.of("../event-contract/src/test/resources/fixtures/v1");
    /** forum-api's Jackson settings (application.properties). */
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    private static final Instant NOW = Instant.parse("2026-11-29T03:53:05.127581Z");

    private final EventMapper events = new EventMapper();

    @Test
    void everyForumApiEventHasTheFieldsOfThePreviousVersion() throws IOException {
        User alice = user(1, "alice", "member");
        User carol = user(3, "carol", "moderator");
        ForumThread thread = thread(4, alice, null, null);
        ForumThread sub = thread(5, carol, 4L, 6L);
        Message message = message(6, thread, alice, null, null);
        Message reply = message(7, thread, alice, 6L, null);
        Message edited = message(6, thread, alice, null, NOW);

        Map<String, NewEvent> produced = new LinkedHashMap<>();
        produced.put("new_message", events.firstMessage(message));
        produced.put("new_message.reply", events.newMessage(reply, alice.id, alice.username));
        produced.put("message_edited", events.messageEdited(edited));
        produced.put("messages_deleted", events.messagesDeleted(thread, List.of(6L, 7L), 2));
        produced.put("message_liked", events.messageLiked(message, alice, true));
        produced.put("message_unliked", events.messageLiked(message, alice, false));
        produced.put("thread_updated", events.threadUpdated(thread));
        produced.put("thread_deleted", events.threadDeleted(thread));
        produced.put("message_thread_count_updated", events.messageThreadCountUpdated(message, sub, carol));
        produced.put("new_thread_created", events.newThreadCreated(thread, alice));
        produced.put("new_sub_thread_created", events.newSubThreadCreated(thread, sub, message, carol));
        produced.put("everyone_restricted", events.everyoneRestricted(2, "spam", NOW, carol));
        produced.put("everyone_restricted.no_until", events.everyoneRestricted(3, "forever", null, carol));
        produced.put("everyone_unrestricted", events.everyoneUnrestricted(2, carol));
        produced.put("everyone_mention_disabled", events.everyoneMention(false, "off"));
        produced.put("everyone_mention_enabled", events.everyoneMention(true, "on"));
        produced.put("user_registered", events.userRegistered(alice));
        produced.put("user_updated", events.userUpdated(alice));
        produced.put("session_revoked", events.sessionRevoked(5, 5));
        produced.put("session_revoked.all_sessions", events.allSessionsRevoked(5, "sessions_ended"));
        produced.put("thread_followed", events.threadFollowed(thread, 5, true));
        produced.put("thread_unfollowed", events.threadFollowed(thread, 5, false));

        Set<EventType> covered = EnumSet.noneOf(EventType.class);
        for (Map.Entry<String, NewEvent> entry : produced.entrySet()) {
            EventEnvelope fixture = JSON.readValue(Files.readString(FIXTURES.resolve(entry.getKey() + ".json")),
                    EventEnvelope.class);
            NewEvent event = entry.getValue();
            JsonNode written = JSON.readTree(JSON.writeValueAsString(event.payload()));

            assertEquals(fixture.type(), event.type(), entry.getKey());
            assertEquals(fixture.audience(), event.audience(), entry.getKey());
            assertEquals(fields(fixture.payload(), ""), fields(written, ""), entry.getKey());
            assertEquals(event.payload(), EventPayloads.read(JSON, envelope(event, written),
                    event.type().payloadType()), entry.getKey() + " round trip");
            covered.add(event.type());
        }
        assertEquals(EnumSet.of(EventType.USER_TYPING, EventType.FORUM_NOTIFICATION,
                EventType.FORUM_NOTIFICATION_COUNT, EventType.UNREAD_COUNT_UPDATED, EventType.UNREAD_COUNTS_CHANGED,
                EventType.TEAM_MENTION, EventType.EVERYONE_MENTION), EnumSet.complementOf(EnumSet.copyOf(covered)),
                "every type forum-api emits is checked");
    }

    private static EventEnvelope envelope(NewEvent event, JsonNode payload) {
        return new EventEnvelope(UUID.randomUUID(), 1L, event.type(), event.aggregateType(), event.aggregateId(),
                event.audience(), event.threadId(), event.userId(), event.minTierCents(), NOW,
                (com.fasterxml.jackson.databind.node.ObjectNode) payload);
    }

    /** Every field path of a JSON object ({@code message.id}, ...). */
    private static Set<String> fields(JsonNode node, String prefix) {
        Set<String> names = new TreeSet<>();
        node.fields().forEachRemaining(field -> {
            names.add(prefix + field.getKey());
            if (field.getValue().isObject()) {
                names.addAll(fields(field.getValue(), prefix + field.getKey() + "."));
            }
        });
        return names;
    }

    private static User user(long id, String username, String role) {
        User user = new User();
        user.id = id;
        user.username = username;
        user.displayName = username.substring(0, 1).toUpperCase() + username.substring(1);
        user.role = role;
        user.createdAt = NOW;
        return user;
    }

    private static ForumThread thread(long id, User author, Long parentThreadId, Long parentMessageId) {
        ForumThread thread = new ForumThread();
        thread.id = id;
        thread.title = "Thread " + id;
        thread.author = author;
        thread.parentThreadId = parentThreadId;
        thread.parentMessageId = parentMessageId;
        thread.messageCount = 1;
        thread.lastActivityAt = NOW;
        thread.createdAt = NOW;
        return thread;
    }

    private static Message message(long id, ForumThread thread, User author, Long replyToId, Instant editedAt) {
        Message message = new Message();
        message.id = id;
        message.thread = thread;
        message.author = author;
        message.content = "hello";
        message.contentHtml = "<p>hello</p>";
        message.replyToId = replyToId;
        message.editedAt = editedAt;
        message.createdAt = NOW;
        return message;
    }
}
