package dev.forum.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.forum.contract.Audience;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.contract.payload.EditedMessage;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.EveryoneMentionDisabled;
import dev.forum.contract.payload.EveryoneMentionEnabled;
import dev.forum.contract.payload.EveryoneRestricted;
import dev.forum.contract.payload.EveryoneUnrestricted;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.MessageView;
import dev.forum.contract.payload.MessagesDeleted;
import dev.forum.contract.payload.NewMessage;
import dev.forum.contract.payload.NewSubThreadCreated;
import dev.forum.contract.payload.NewThreadCreated;
import dev.forum.contract.payload.ThreadDeleted;
import dev.forum.contract.payload.ThreadFollowed;
import dev.forum.contract.payload.ThreadUnfollowed;
import dev.forum.contract.payload.ThreadUpdated;
import dev.forum.contract.payload.ThreadUpdates;
import dev.forum.contract.payload.ThreadView;
import dev.forum.contract.payload.UserRef;
import dev.forum.contract.payload.UserRegistered;
import dev.forum.contract.payload.UserView;

import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Builds envelopes with the payload records of docs/events.md, as forum-api's feed serves them. */
public final class Events {

    private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Ids unique across the test run, so that test classes sharing one database never collide. */
    private static final AtomicLong IDS = new AtomicLong(1000);

    private Events() {
    }

    public static long nextId() {
        return IDS.incrementAndGet();
    }

    public static EventEnvelope envelope(Audience audience, String aggregateType, String aggregateId, Long threadId,
            Long userId, Integer minTier, EventPayload payload) {
        return new EventEnvelope(UUID.randomUUID(), null, EventType.of(payload.getClass()), aggregateType,
                aggregateId, audience, threadId, userId, minTier, Instant.now(), EventPayloads.tree(MAPPER, payload));
    }

    public static EventEnvelope userRegistered(long id, String username, String role, int tierCents) {
        return envelope(Audience.INTERNAL, "user", Long.toString(id), null, null, null,
                new UserRegistered(new UserView(id, username, username, Role.fromWireName(role), tierCents, false)));
    }

    public static EventEnvelope newThread(long threadId, String title, int minTier, long creatorId, String creator) {
        return envelope(Audience.READERS, "thread", Long.toString(threadId), threadId, null, minTier,
                new NewThreadCreated(thread(threadId, title, minTier, creatorId, creator, null, null),
                        new UserRef(creatorId, creator, Role.MEMBER)));
    }

    public static EventEnvelope newSubThread(long threadId, long parentId, long parentMessageId, String title,
            int minTier, long creatorId, String creator) {
        return envelope(Audience.THREAD, "thread", Long.toString(parentId), parentId, null, minTier,
                new NewSubThreadCreated(thread(threadId, title, minTier, creatorId, creator, parentId, parentMessageId),
                        new UserRef(creatorId, creator, Role.MEMBER), parentId, parentMessageId));
    }

    public static EventEnvelope newMessage(long messageId, long threadId, long authorId, String author,
            String content, Long replyToId) {
        Instant now = Instant.now();
        return envelope(Audience.THREAD, "thread", Long.toString(threadId), threadId, null, 0,
                new NewMessage(new MessageView(messageId, threadId, authorId, author, content,
                        "<p>" + content + "</p>", replyToId, 0, 0, false, null, now, null)));
    }

    public static EventEnvelope messageEdited(long messageId, long threadId, String content) {
        return envelope(Audience.THREAD, "thread", Long.toString(threadId), threadId, null, 0,
                new MessageEdited(new EditedMessage(messageId, content, "<p>" + content + "</p>", true, Instant.now(),
                        null)));
    }

    public static EventEnvelope followed(long threadId, long userId, boolean follow) {
        return envelope(Audience.INTERNAL, "thread", Long.toString(threadId), threadId, null, null,
                follow ? new ThreadFollowed(threadId, userId) : new ThreadUnfollowed(threadId, userId));
    }

    public static EventEnvelope everyoneSwitch(boolean disabled) {
        return envelope(Audience.ALL, "forum", "everyone", null, null, null,
                disabled ? new EveryoneMentionDisabled("The @everyone mention has been disabled")
                        : new EveryoneMentionEnabled("The @everyone mention has been enabled"));
    }

    public static EventEnvelope everyoneRestricted(long userId, String reason, Instant until) {
        return envelope(Audience.USER, "user", Long.toString(userId), null, userId, null,
                new EveryoneRestricted(reason, "admin", until));
    }

    public static EventEnvelope everyoneUnrestricted(long userId) {
        return envelope(Audience.USER, "user", Long.toString(userId), null, userId, null,
                new EveryoneUnrestricted("admin"));
    }

    public static EventEnvelope messagesDeleted(long threadId, long... messageIds) {
        return envelope(Audience.THREAD, "thread", Long.toString(threadId), threadId, null, 0,
                new MessagesDeleted(Arrays.stream(messageIds).boxed().toList(), messageIds.length));
    }

    public static EventEnvelope threadDeleted(long threadId) {
        return envelope(Audience.THREAD, "thread", Long.toString(threadId), threadId, null, 0,
                new ThreadDeleted(threadId));
    }

    /** thread_updated with the thread's values after the change (forum-api always sends all four). */
    public static EventEnvelope threadUpdated(long threadId, String title, int minTierCents) {
        return envelope(Audience.THREAD, "thread", Long.toString(threadId), threadId, null, minTierCents,
                new ThreadUpdated(new ThreadUpdates(title, false, false, minTierCents)));
    }

    private static ThreadView thread(long id, String title, int minTier, long creatorId, String creator,
            Long parentThreadId, Long parentMessageId) {
        Instant now = Instant.now();
        return new ThreadView(id, title, creatorId, creator, minTier, false, false, parentThreadId, parentMessageId, 1,
                now, now);
    }
}
