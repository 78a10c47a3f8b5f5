package dev.forum.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builds envelopes with the payloads of docs/events.md, as forum-api's feed serves them. */
public final class Events {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Ids unique across the test run, so that test classes sharing one database never collide. */
    private static final AtomicLong IDS = new AtomicLong(1000);

    private Events() {
    }

    public static long nextId() {
        return IDS.incrementAndGet();
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static EventEnvelope envelope(EventType type, Audience audience, String aggregateType, String aggregateId,
            Long threadId, Long userId, Integer minTier, ObjectNode payload) {
        return new EventEnvelope(UUID.randomUUID(), null, type, aggregateType, aggregateId, audience, threadId, userId,
                minTier, Instant.now(), payload);
    }

    public static EventEnvelope userRegistered(long id, String username, String role, int tierCents) {
        ObjectNode user = object().put("id", id).put("username", username).put("display_name", username)
                .put("role", role).put("tier_cents", tierCents);
        ObjectNode payload = object();
        payload.set("user", user);
        return envelope(EventType.USER_REGISTERED, Audience.INTERNAL, "user", Long.toString(id), null, null, null,
                payload);
    }

    public static EventEnvelope newThread(long threadId, String title, int minTier, long creatorId, String creator) {
        ObjectNode payload = object();
        payload.set("thread", object().put("id", threadId).put("title", title).put("min_tier_cents", minTier)
                .put("user_id", creatorId).put("username", creator));
        payload.set("creator", object().put("id", creatorId).put("username", creator).put("role", "member"));
        return envelope(EventType.NEW_THREAD_CREATED, Audience.READERS, "thread", Long.toString(threadId), threadId,
                null, minTier, payload);
    }

    public static EventEnvelope newSubThread(long threadId, long parentId, long parentMessageId, String title,
            int minTier, long creatorId, String creator) {
        ObjectNode payload = object();
        payload.set("thread", object().put("id", threadId).put("title", title).put("min_tier_cents", minTier)
                .put("parent_thread_id", parentId).put("parent_message_id", parentMessageId));
        payload.set("creator", object().put("id", creatorId).put("username", creator).put("role", "member"));
        payload.put("parent_thread_id", parentId).put("parent_message_id", parentMessageId);
        return envelope(EventType.NEW_SUB_THREAD_CREATED, Audience.THREAD, "thread", Long.toString(parentId),
                parentId, null, minTier, payload);
    }

    public static EventEnvelope newMessage(long messageId, long threadId, long authorId, String author,
            String content, Long replyToId) {
        ObjectNode message = object().put("id", messageId).put("thread_id", threadId).put("user_id", authorId)
                .put("username", author).put("content", content).put("content_html", "<p>" + content + "</p>");
        if (replyToId != null) {
            message.put("reply_to_id", replyToId);
        }
        ObjectNode payload = object();
        payload.set("message", message);
        return envelope(EventType.NEW_MESSAGE, Audience.THREAD, "thread", Long.toString(threadId), threadId, null, 0,
                payload);
    }

    public static EventEnvelope messageEdited(long messageId, long threadId, String content) {
        ObjectNode payload = object();
        payload.set("message", object().put("id", messageId).put("content", content).put("is_edited", true));
        return envelope(EventType.MESSAGE_EDITED, Audience.THREAD, "thread", Long.toString(threadId), threadId, null,
                0, payload);
    }

    public static EventEnvelope followed(long threadId, long userId, boolean follow) {
        ObjectNode payload = object().put("thread_id", threadId).put("user_id", userId);
        return envelope(follow ? EventType.THREAD_FOLLOWED : EventType.THREAD_UNFOLLOWED, Audience.INTERNAL,
                "thread", Long.toString(threadId), threadId, null, null, payload);
    }

    public static EventEnvelope everyoneSwitch(boolean disabled) {
        ObjectNode payload = object().put("message", disabled ? "The @everyone mention has been disabled"
                : "The @everyone mention has been enabled");
        return envelope(disabled ? EventType.EVERYONE_MENTION_DISABLED : EventType.EVERYONE_MENTION_ENABLED,
                Audience.ALL, "forum", "everyone", null, null, null, payload);
    }

    public static EventEnvelope everyoneRestricted(long userId, String reason, Instant until) {
        ObjectNode payload = object().put("reason", reason).put("restricted_by", "admin");
        if (until != null) {
            payload.put("until", until.toString());
        }
        return envelope(EventType.EVERYONE_RESTRICTED, Audience.USER, "user", Long.toString(userId), null, userId,
                null, payload);
    }

    public static EventEnvelope everyoneUnrestricted(long userId) {
        return envelope(EventType.EVERYONE_UNRESTRICTED, Audience.USER, "user", Long.toString(userId), null, userId,
                null, object().put("unrestricted_by", "admin"));
    }

    public static EventEnvelope messagesDeleted(long threadId, long... messageIds) {
        ObjectNode payload = object().put("deleted_count", messageIds.length);
        com.fasterxml.jackson.databind.node.ArrayNode ids = payload.putArray("message_ids");
        for (long id : messageIds) {
            ids.add(id);
        }
        return envelope(EventType.MESSAGES_DELETED, Audience.THREAD, "thread", Long.toString(threadId), threadId,
                null, 0, payload);
    }

    public static EventEnvelope threadDeleted(long threadId) {
        return envelope(EventType.THREAD_DELETED, Audience.THREAD, "thread", Long.toString(threadId), threadId,
                null, 0, object().put("thread_id", threadId));
    }

    /** thread_updated with the thread's values after the change (forum-api always sends all four). */
    public static EventEnvelope threadUpdated(long threadId, String title, int minTierCents) {
        ObjectNode updates = object().put("title", title).put("is_pinned", false).put("is_locked", false)
                .put("min_tier_cents", minTierCents);
        ObjectNode payload = object();
        payload.set("updates", updates);
        return envelope(EventType.THREAD_UPDATED, Audience.THREAD, "thread", Long.toString(threadId), threadId,
                null, minTierCents, payload);
    }
}
