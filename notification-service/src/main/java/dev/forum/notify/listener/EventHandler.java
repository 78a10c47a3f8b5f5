package dev.forum.notify.listener;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.auth.SessionResolver;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import dev.forum.notify.fanout.FanoutService;
import dev.forum.notify.mention.MentionParser;
import dev.forum.notify.mention.MentionService;
import dev.forum.notify.notification.Actor;
import dev.forum.notify.notification.NotificationDraft;
import dev.forum.notify.notification.NotificationRepository;
import dev.forum.notify.notification.NotificationType;
import dev.forum.notify.projection.MessageRow;
import dev.forum.notify.projection.ProjectionService;
import dev.forum.notify.projection.ThreadRow;
import dev.forum.notify.projection.UserRow;
import dev.forum.notify.push.PushPlan;
import dev.forum.notify.push.PushService;
import dev.forum.notify.unread.UnreadService;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * Processes one event, or a run of consecutive events ({@link #handleAll}), in ONE transaction: checks
 * and advances the cursor (events with a seq),
 * records the event id in processed_events (a redelivery changes nothing), and applies the event's
 * side effects, and writes what to push into the push outbox (published by the relay after the commit).
 */
@ApplicationScoped
public class EventHandler {

    /** The result of one transaction. */
    public record Result(Outcome outcome, PushPlan plan) {
    }

    private final String consumerId;
    private final boolean newThreadNotifications;
    private final Sql sql;
    private final CursorStore cursors;
    private final ProjectionService projections;
    private final MentionService mentions;
    private final FanoutService fanout;
    private final NotificationRepository notifications;
    private final SessionResolver sessions;
    private final PushService pushes;
    private final UnreadService unread;

    public EventHandler(NotifyConfig config, Sql sql, CursorStore cursors, ProjectionService projections,
            MentionService mentions, FanoutService fanout, NotificationRepository notifications,
            SessionResolver sessions, PushService pushes, UnreadService unread) {
        this.consumerId = config.consumer().id();
        this.newThreadNotifications = config.fanout().newThreadNotifications();
        this.sql = sql;
        this.cursors = cursors;
        this.projections = projections;
        this.mentions = mentions;
        this.fanout = fanout;
        this.notifications = notifications;
        this.sessions = sessions;
        this.pushes = pushes;
        this.unread = unread;
    }

    @Transactional
    public Result handle(EventEnvelope event) {
        if (event.seq() != null && !cursors.claimNext(consumerId, event.seq())) {
            return new Result(Outcome.ALREADY_CONSUMED, new PushPlan());
        }
        return applyOnce(event);
    }

    /**
     * Processes consecutive events (each with a seq) in ONE transaction: locks the cursor once, skips
     * what it already covers, refuses a gap ({@link FeedGapException}), applies each event once
     * (processed_events) and advances the cursor to the last. One result per event, in order.
     */
    @Transactional
    public List<Result> handleAll(List<EventEnvelope> events) {
        long cursor = cursors.lock(consumerId);
        long last = cursor;
        List<Result> results = new ArrayList<>(events.size());
        for (EventEnvelope event : events) {
            long seq = event.seq();
            if (seq <= last) {
                results.add(new Result(Outcome.ALREADY_CONSUMED, new PushPlan()));
                continue;
            }
            if (seq != last + 1) {
                throw new FeedGapException(last, seq);
            }
            last = seq;
            results.add(applyOnce(event));
        }
        if (last > cursor) {
            cursors.advance(consumerId, last);
        }
        return results;
    }

    /**
     * Whether the event may fan out to many users (every reader, every unread notification of a
     * thread): it gets a transaction of its own, so it never holds back or prolongs a batch.
     */
    public static boolean runsAlone(EventEnvelope event) {
        return switch (event.type()) {
            case NEW_THREAD_CREATED, THREAD_DELETED, MESSAGES_DELETED -> true;
            case NEW_MESSAGE, MESSAGE_EDITED -> event.payload() == null || event.payload().path("message")
                    .path("content").asText("").toLowerCase(Locale.ROOT).contains("@" + MentionParser.EVERYONE);
            default -> false;
        };
    }

    private Result applyOnce(EventEnvelope event) {
        int fresh = sql.update("INSERT INTO processed_events (consumer_id, event_id) VALUES (?, ?) "
                + "ON CONFLICT DO NOTHING", consumerId, event.eventId());
        if (fresh == 0) {
            return new Result(Outcome.DUPLICATE, new PushPlan());
        }
        PushPlan plan = new PushPlan();
        apply(event, plan);
        pushes.enqueue(plan);
        return new Result(Outcome.PROCESSED, plan);
    }

    private void apply(EventEnvelope event, PushPlan plan) {
        JsonNode payload = event.payload() == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                : event.payload();
        switch (event.type()) {
            case USER_REGISTERED, USER_UPDATED -> projections.upsertUser(payload.get("user"));
            case THREAD_FOLLOWED -> projections.follow(longField(event, payload, "thread_id"),
                    payload.get("user_id").asLong());
            case THREAD_UNFOLLOWED -> projections.unfollow(longField(event, payload, "thread_id"),
                    payload.get("user_id").asLong());
            case NEW_THREAD_CREATED -> onNewThread(payload, plan);
            case NEW_SUB_THREAD_CREATED -> onNewSubThread(payload, plan);
            case THREAD_UPDATED -> {
                projections.updateThread(event);
                if (payload.path("updates").hasNonNull("min_tier_cents")) {
                    unread.withdrawThreadBelowTier(event.threadId());
                }
            }
            case THREAD_DELETED -> {
                long threadId = longField(event, payload, "thread_id");
                projections.deleteThread(threadId);
                unread.withdrawThread(threadId);
            }
            case NEW_MESSAGE -> onNewMessage(event, payload.get("message"), plan);
            case MESSAGE_EDITED -> onMessageEdited(event, payload.get("message"), plan);
            case MESSAGES_DELETED -> {
                long[] ids = StreamSupport.stream(payload.path("message_ids").spliterator(), false)
                        .mapToLong(JsonNode::asLong).toArray();
                unread.withdrawMessages(ids);
                projections.deleteMessages(ids);
            }
            case EVERYONE_MENTION_DISABLED -> projections.setEveryoneDisabled(true, payload.path("message").asText(null));
            case EVERYONE_MENTION_ENABLED -> projections.setEveryoneDisabled(false, payload.path("message").asText(null));
            case EVERYONE_RESTRICTED -> projections.restrictEveryone(event.userId(), payload.path("reason").asText(null),
                    instantOrNull(payload.get("until")));
            case EVERYONE_UNRESTRICTED -> projections.unrestrictEveryone(event.userId());
            case SESSION_REVOKED -> sessions.evictUser(longField(event, payload, "user_id"));
            default -> Log.debugf("event %s (%s): nothing to do", event.eventId(), event.type());
        }
    }

    private void onNewMessage(EventEnvelope event, JsonNode message, PushPlan plan) {
        long messageId = message.get("id").asLong();
        long threadId = message.hasNonNull("thread_id") ? message.get("thread_id").asLong() : event.threadId();
        long authorId = message.get("user_id").asLong();
        projections.recordMessage(messageId, threadId, authorId);
        projections.ensureThread(threadId, event.minTierCents());
        ThreadRow thread = projections.findThreadById(threadId).orElseThrow();
        if (thread.deleted()) {
            return;
        }
        Actor author = actor(authorId, message.path("username").asText(null));
        mentions.notifyMentions(messageId, thread, author, message.path("content").asText(""), committedAt(event),
                plan);
        if (message.hasNonNull("reply_to_id")) {
            notifyReplied(message.get("reply_to_id").asLong(), messageId, thread, author, plan);
        }
        plan.notifications(fanout.notifyFollowersOfMessage(threadId, thread.minTierCents(), quoted(thread), messageId,
                author));
    }

    private void notifyReplied(long repliedToId, long messageId, ThreadRow thread, Actor author, PushPlan plan) {
        Optional<MessageRow> repliedTo = projections.findMessageById(repliedToId);
        if (repliedTo.isEmpty() || repliedTo.get().userId() == author.id()) {
            return;
        }
        long addressee = repliedTo.get().userId();
        Optional<UserRow> user = projections.findUserById(addressee);
        boolean alreadyNotified = sql.count("SELECT count(*) FROM notifications WHERE message_id = ? AND user_id = ?",
                messageId, addressee) > 0;
        if (user.isEmpty() || !user.get().canReadTier(thread.minTierCents()) || alreadyNotified) {
            return;
        }
        plan.notifications(notifications.insertForUsers(new long[] {addressee},
                new NotificationDraft(NotificationType.REPLY, "New reply",
                        "@" + author.username() + " replied to you in " + quoted(thread), thread.id(), messageId,
                        author)));
    }

    private void onMessageEdited(EventEnvelope event, JsonNode message, PushPlan plan) {
        long messageId = message.get("id").asLong();
        Optional<MessageRow> known = projections.findMessageById(messageId);
        if (known.isEmpty()) {
            Log.warnf("message_edited %s: message %d unknown here, mentions not computed", event.eventId(), messageId);
            return;
        }
        Optional<ThreadRow> thread = projections.findThreadById(known.get().threadId());
        if (thread.isEmpty() || thread.get().deleted()) {
            return;
        }
        mentions.notifyMentions(messageId, thread.get(), actor(known.get().userId(), null),
                message.path("content").asText(""), committedAt(event), plan);
    }

    private void onNewThread(JsonNode payload, PushPlan plan) {
        JsonNode thread = payload.get("thread");
        projections.upsertThread(thread);
        if (!newThreadNotifications) {
            return;
        }
        Actor creator = creator(payload);
        long threadId = thread.get("id").asLong();
        plan.silent(fanout.notifyReaders("new_thread", thread.path("min_tier_cents").asInt(0), creator.id(),
                new NotificationDraft(NotificationType.NEW_THREAD, "New thread",
                        "@" + creator.username() + " started \u201c" + thread.path("title").asText("") + "\u201d",
                        threadId, null, creator)));
    }

    private void onNewSubThread(JsonNode payload, PushPlan plan) {
        JsonNode thread = payload.get("thread");
        projections.upsertThread(thread);
        long parentId = payload.hasNonNull("parent_thread_id") ? payload.get("parent_thread_id").asLong()
                : thread.path("parent_thread_id").asLong();
        Actor creator = creator(payload);
        Long parentMessageId = payload.hasNonNull("parent_message_id") ? payload.get("parent_message_id").asLong()
                : null;
        plan.notifications(fanout.notifyFollowers(parentId, thread.path("min_tier_cents").asInt(0), creator.id(),
                new NotificationDraft(NotificationType.NEW_SUB_THREAD, "New sub-thread",
                        "@" + creator.username() + " started \u201c" + thread.path("title").asText("")
                                + "\u201d from a thread you follow",
                        thread.get("id").asLong(), parentMessageId, creator)));
    }

    private Actor creator(JsonNode payload) {
        JsonNode creator = payload.path("creator");
        long id = creator.path("id").asLong(payload.path("thread").path("user_id").asLong());
        return actor(id, creator.path("username").asText(null));
    }

    /** The author as notifications show them: the event's username if given, role from the projection. */
    private Actor actor(long userId, String username) {
        Optional<UserRow> user = projections.findUserById(userId);
        String name = username != null ? username : user.map(UserRow::username).orElse("user" + userId);
        return new Actor(userId, name, user.map(u -> u.role().wireName()).orElse("member"));
    }

    private static long longField(EventEnvelope event, JsonNode payload, String field) {
        if (payload.hasNonNull(field)) {
            return payload.get(field).asLong();
        }
        if ("thread_id".equals(field) && event.threadId() != null) {
            return event.threadId();
        }
        if ("user_id".equals(field) && event.userId() != null) {
            return event.userId();
        }
        throw new IllegalArgumentException(event.type() + " event " + event.eventId() + " has no " + field);
    }

    /** ISO-8601 text, or epoch seconds (with fraction) if the producer wrote dates as numbers. */
    static Instant instantOrNull(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isNumber()) {
            java.math.BigDecimal seconds = value.decimalValue();
            return Instant.ofEpochSecond(seconds.longValue(),
                    seconds.remainder(java.math.BigDecimal.ONE).movePointRight(9).longValue());
        }
        return Instant.parse(value.asText());
    }

    private static Instant committedAt(EventEnvelope event) {
        return event.committedAt() == null ? Instant.now() : event.committedAt();
    }

    private static String quoted(ThreadRow thread) {
        return "\u201c" + thread.title() + "\u201d";
    }
}
