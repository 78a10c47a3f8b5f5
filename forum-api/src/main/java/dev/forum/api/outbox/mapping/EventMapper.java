package dev.forum.api.outbox.mapping;

import dev.forum.api.message.Message;
import dev.forum.api.outbox.NewEvent;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.user.User;
import dev.forum.contract.Audience;
import dev.forum.contract.payload.EditedMessage;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.EveryoneMentionDisabled;
import dev.forum.contract.payload.EveryoneMentionEnabled;
import dev.forum.contract.payload.EveryoneRestricted;
import dev.forum.contract.payload.EveryoneUnrestricted;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.MessageLiked;
import dev.forum.contract.payload.MessageThreadCountUpdated;
import dev.forum.contract.payload.MessageUnliked;
import dev.forum.contract.payload.MessageView;
import dev.forum.contract.payload.MessagesDeleted;
import dev.forum.contract.payload.NamedUser;
import dev.forum.contract.payload.NewMessage;
import dev.forum.contract.payload.NewSubThreadCreated;
import dev.forum.contract.payload.NewThreadCreated;
import dev.forum.contract.payload.SessionRevoked;
import dev.forum.contract.payload.ThreadDeleted;
import dev.forum.contract.payload.ThreadFollowed;
import dev.forum.contract.payload.ThreadUnfollowed;
import dev.forum.contract.payload.ThreadUpdated;
import dev.forum.contract.payload.ThreadUpdates;
import dev.forum.contract.payload.ThreadView;
import dev.forum.contract.payload.UserRef;
import dev.forum.contract.payload.UserRegistered;
import dev.forum.contract.payload.UserUpdated;
import dev.forum.contract.payload.UserView;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Entities to events, one method per event type: the payload is the type's record from event-contract
 * (docs/events.md), built from entity fields, never the entity itself.
 */
@ApplicationScoped
public class EventMapper {

    private static final String THREAD = "thread";
    private static final String USER = "user";

    // ---- thread events

    /**
     * A message posted to an existing thread, with the author given (the message's author entity may be an unloaded
     * reference); the relay adds it to the thread's count when it numbers the event.
     */
    public NewEvent newMessage(Message m, long authorId, String authorUsername) {
        MessageView message = new MessageView(m.id, m.thread.id, authorId, authorUsername, m.content, m.contentHtml,
                m.replyToId, m.likeCount, m.spawnedThreadCount, m.editedAt != null, m.editedAt, m.createdAt, null);
        return threadEvent(m.thread, Audience.THREAD, new NewMessage(message)).withMessageDelta(1);
    }

    /**
     * The first message of a thread created in the same transaction: a {@code new_message} like any other, but the
     * new thread's row already counts it (so the creator's response and {@code new_thread_created} show it).
     */
    public NewEvent firstMessage(Message m) {
        return newMessage(m, m.author.id, m.author.username).withMessageDelta(0);
    }

    public NewEvent messageEdited(Message m) {
        return threadEvent(m.thread, Audience.THREAD, new MessageEdited(
                new EditedMessage(m.id, m.content, m.contentHtml, m.editedAt != null, m.editedAt, null)));
    }

    /** {@code removed}: how many of {@code ids} this transaction deleted (what the relay takes off the count). */
    public NewEvent messagesDeleted(ForumThread thread, List<Long> ids, int removed) {
        return threadEvent(thread, Audience.THREAD, new MessagesDeleted(List.copyOf(ids), ids.size()))
                .withMessageDelta(-removed);
    }

    public NewEvent messageLiked(Message m, User by, boolean liked) {
        NamedUser user = new NamedUser(by.id, by.username);
        return threadEvent(m.thread, Audience.THREAD, liked ? new MessageLiked(m.id, m.likeCount, user)
                : new MessageUnliked(m.id, m.likeCount, user));
    }

    public NewEvent threadUpdated(ForumThread t) {
        return threadEvent(t, Audience.THREAD,
                new ThreadUpdated(new ThreadUpdates(t.title, t.pinned, t.locked, t.minTierCents)));
    }

    public NewEvent threadDeleted(ForumThread t) {
        return threadEvent(t, Audience.THREAD, new ThreadDeleted(t.id));
    }

    public NewEvent messageThreadCountUpdated(Message parent, ForumThread subThread, User creator) {
        return threadEvent(parent.thread, Audience.THREAD, new MessageThreadCountUpdated(parent.id,
                parent.spawnedThreadCount, subThread.id, subThread.title, creator.username));
    }

    public NewEvent newThreadCreated(ForumThread t, User creator) {
        return threadEvent(t, Audience.READERS, new NewThreadCreated(threadView(t), userRef(creator)));
    }

    /** Sent to the parent thread's subscribers; the envelope's thread and tier are the parent's. */
    public NewEvent newSubThreadCreated(ForumThread parent, ForumThread sub, Message parentMessage, User creator) {
        return threadEvent(parent, Audience.THREAD,
                new NewSubThreadCreated(threadView(sub), userRef(creator), parent.id, parentMessage.id));
    }

    // ---- moderation

    public NewEvent everyoneRestricted(long userId, String reason, Instant until, User by) {
        return toUser(userId, Audience.USER, new EveryoneRestricted(reason, by.username, until));
    }

    public NewEvent everyoneUnrestricted(long userId, User by) {
        return toUser(userId, Audience.USER, new EveryoneUnrestricted(by.username));
    }

    public NewEvent everyoneMention(boolean enabled, String message) {
        return new NewEvent("forum", "everyone", Audience.ALL, null, null, null,
                enabled ? new EveryoneMentionEnabled(message) : new EveryoneMentionDisabled(message));
    }

    // ---- internal

    public NewEvent userRegistered(User u) {
        return toUser(u.id, Audience.INTERNAL, new UserRegistered(userView(u)));
    }

    public NewEvent userUpdated(User u) {
        return toUser(u.id, Audience.INTERNAL, new UserUpdated(userView(u)));
    }

    /** One session logged out: gateways re-check the user's sockets. */
    public NewEvent sessionRevoked(long userId, long sessionId) {
        return toUser(userId, Audience.INTERNAL, new SessionRevoked(userId, sessionId, false, "logout"));
    }

    /** Every session of the user ended by an admin ({@code reason}: suspended, sessions_ended): close all sockets. */
    public NewEvent allSessionsRevoked(long userId, String reason) {
        return toUser(userId, Audience.INTERNAL, new SessionRevoked(userId, null, true, reason));
    }

    public NewEvent threadFollowed(ForumThread t, long userId, boolean followed) {
        return new NewEvent(THREAD, Long.toString(t.id), Audience.INTERNAL, t.id, userId, t.minTierCents,
                followed ? new ThreadFollowed(t.id, userId) : new ThreadUnfollowed(t.id, userId));
    }

    private static NewEvent threadEvent(ForumThread t, Audience audience, EventPayload payload) {
        return new NewEvent(THREAD, Long.toString(t.id), audience, t.id, null, t.minTierCents, payload);
    }

    private static NewEvent toUser(long userId, Audience audience, EventPayload payload) {
        return new NewEvent(USER, Long.toString(userId), audience, null, userId, null, payload);
    }

    private static ThreadView threadView(ForumThread t) {
        return new ThreadView(t.id, t.title, t.author.id, t.author.username, t.minTierCents, t.pinned, t.locked,
                t.parentThreadId, t.parentMessageId, t.messageCount, t.lastActivityAt, t.createdAt);
    }

    private static UserRef userRef(User u) {
        return new UserRef(u.id, u.username, u.roleEnum());
    }

    private static UserView userView(User u) {
        return new UserView(u.id, u.username, u.displayName, u.roleEnum(), u.tierCents, u.isSuspended());
    }
}
