package dev.forum.api.outbox.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.forum.api.message.Message;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.outbox.NewEvent;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.thread.mapping.ThreadView;
import dev.forum.api.user.User;
import dev.forum.api.user.mapping.UserView;
import dev.forum.contract.Audience;
import dev.forum.contract.EventType;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Entities to event payloads, one method per event type, with exactly the shapes of docs/events.md. Payloads are
 * built from views, never from JPA entities.
 */
@ApplicationScoped
public class EventMapper {

    private static final String THREAD = "thread";
    private static final String USER = "user";

    private final ObjectMapper json;

    public EventMapper(ObjectMapper json) {
        this.json = json;
    }

    // ---- thread events

    public NewEvent newMessage(Message m) {
        return newMessage(MessageView.of(m), m.thread);
    }

    public NewEvent newMessage(MessageView message, ForumThread thread) {
        return threadEvent(EventType.NEW_MESSAGE, thread, Audience.THREAD,
                obj().set("message", json.valueToTree(message)));
    }

    public NewEvent messageEdited(Message m) {
        ObjectNode message = obj()
                .put("id", m.id)
                .put("content", m.content)
                .put("content_html", m.contentHtml)
                .put("is_edited", m.editedAt != null);
        message.set("edited_at", json.valueToTree(m.editedAt));
        return threadEvent(EventType.MESSAGE_EDITED, m.thread, Audience.THREAD, obj().set("message", message));
    }

    public NewEvent messagesDeleted(ForumThread thread, List<Long> ids) {
        ObjectNode payload = obj();
        ArrayNode array = payload.putArray("message_ids");
        ids.forEach(array::add);
        payload.put("deleted_count", ids.size());
        return threadEvent(EventType.MESSAGES_DELETED, thread, Audience.THREAD, payload);
    }

    public NewEvent messageLiked(Message m, User by, boolean liked) {
        ObjectNode payload = obj().put("message_id", m.id).put("like_count", m.likeCount);
        payload.set(liked ? "liked_by" : "unliked_by", obj().put("id", by.id).put("username", by.username));
        return threadEvent(liked ? EventType.MESSAGE_LIKED : EventType.MESSAGE_UNLIKED, m.thread, Audience.THREAD,
                payload);
    }

    public NewEvent threadUpdated(ForumThread t) {
        ObjectNode updates = obj()
                .put("title", t.title)
                .put("is_pinned", t.pinned)
                .put("is_locked", t.locked)
                .put("min_tier_cents", t.minTierCents);
        return threadEvent(EventType.THREAD_UPDATED, t, Audience.THREAD, obj().set("updates", updates));
    }

    public NewEvent threadDeleted(ForumThread t) {
        return threadEvent(EventType.THREAD_DELETED, t, Audience.THREAD, obj().put("thread_id", t.id));
    }

    public NewEvent messageThreadCountUpdated(Message parent, ForumThread subThread, User creator) {
        ObjectNode payload = obj()
                .put("message_id", parent.id)
                .put("spawned_thread_count", parent.spawnedThreadCount)
                .put("sub_thread_id", subThread.id)
                .put("sub_thread_title", subThread.title)
                .put("creator_username", creator.username);
        return threadEvent(EventType.MESSAGE_THREAD_COUNT_UPDATED, parent.thread, Audience.THREAD, payload);
    }

    public NewEvent newThreadCreated(ForumThread t, User creator) {
        ObjectNode payload = obj();
        payload.set("thread", json.valueToTree(ThreadView.of(t)));
        payload.set("creator", userRef(creator));
        return threadEvent(EventType.NEW_THREAD_CREATED, t, Audience.READERS, payload);
    }

    /** Sent to the parent thread's subscribers; the envelope's thread and tier are the parent's. */
    public NewEvent newSubThreadCreated(ForumThread parent, ForumThread sub, Message parentMessage, User creator) {
        ObjectNode payload = obj();
        payload.set("thread", json.valueToTree(ThreadView.of(sub)));
        payload.set("creator", userRef(creator));
        payload.put("parent_thread_id", parent.id);
        payload.put("parent_message_id", parentMessage.id);
        return threadEvent(EventType.NEW_SUB_THREAD_CREATED, parent, Audience.THREAD, payload);
    }

    // ---- moderation

    public NewEvent everyoneRestricted(long userId, String reason, Instant until, User by) {
        ObjectNode payload = obj().put("reason", reason).put("restricted_by", by.username);
        payload.set("until", json.valueToTree(until));
        return new NewEvent(EventType.EVERYONE_RESTRICTED, USER, Long.toString(userId), Audience.USER, null, userId,
                null, payload);
    }

    public NewEvent everyoneUnrestricted(long userId, User by) {
        return new NewEvent(EventType.EVERYONE_UNRESTRICTED, USER, Long.toString(userId), Audience.USER, null, userId,
                null, obj().put("unrestricted_by", by.username));
    }

    public NewEvent everyoneMention(boolean enabled, String message) {
        return new NewEvent(enabled ? EventType.EVERYONE_MENTION_ENABLED : EventType.EVERYONE_MENTION_DISABLED,
                "forum", "everyone", Audience.ALL, null, null, null, obj().put("message", message));
    }

    // ---- internal

    public NewEvent userRegistered(User u) {
        return userInternal(EventType.USER_REGISTERED, u);
    }

    public NewEvent userUpdated(User u) {
        return userInternal(EventType.USER_UPDATED, u);
    }

    /** One session logged out: gateways re-check the user's sockets. */
    public NewEvent sessionRevoked(long userId, long sessionId) {
        return new NewEvent(EventType.SESSION_REVOKED, USER, Long.toString(userId), Audience.INTERNAL, null, userId,
                null, obj().put("user_id", userId).put("session_id", sessionId).put("all_sessions", false)
                        .put("reason", "logout"));
    }

    /** Every session of the user ended by an admin ({@code reason}: suspended, sessions_ended): close all sockets. */
    public NewEvent allSessionsRevoked(long userId, String reason) {
        return new NewEvent(EventType.SESSION_REVOKED, USER, Long.toString(userId), Audience.INTERNAL, null, userId,
                null, obj().put("user_id", userId).put("all_sessions", true).put("reason", reason));
    }

    public NewEvent threadFollowed(ForumThread t, long userId, boolean followed) {
        return new NewEvent(followed ? EventType.THREAD_FOLLOWED : EventType.THREAD_UNFOLLOWED, THREAD,
                Long.toString(t.id), Audience.INTERNAL, t.id, userId, t.minTierCents,
                obj().put("thread_id", t.id).put("user_id", userId));
    }

    private NewEvent userInternal(EventType type, User u) {
        return new NewEvent(type, USER, Long.toString(u.id), Audience.INTERNAL, null, u.id, null,
                obj().set("user", json.valueToTree(UserView.of(u))));
    }

    private static NewEvent threadEvent(EventType type, ForumThread t, Audience audience, ObjectNode payload) {
        return new NewEvent(type, THREAD, Long.toString(t.id), audience, t.id, null, t.minTierCents, payload);
    }

    private ObjectNode userRef(User u) {
        return obj().put("id", u.id).put("username", u.username).put("role", u.role);
    }

    private ObjectNode obj() {
        return json.createObjectNode();
    }
}
