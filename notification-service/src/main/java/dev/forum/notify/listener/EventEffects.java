package dev.forum.notify.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.payload.EditedMessage;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.EveryoneMentionDisabled;
import dev.forum.contract.payload.EveryoneMentionEnabled;
import dev.forum.contract.payload.EveryoneRestricted;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.MessageView;
import dev.forum.contract.payload.MessagesDeleted;
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
import dev.forum.contract.payload.UserRegistered;
import dev.forum.contract.payload.UserUpdated;
import dev.forum.notify.auth.SessionResolver;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.fanout.FanoutService;
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
import dev.forum.notify.unread.UnreadService;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;

/**
 * What each event does to this service's state, inside the transaction {@link EventHandler} opened for it: the
 * projections (users, threads, followers, messages), mentions, replies, follower and reader fan-out, unread counts,
 * session evictions, and the pushes they cause (collected in a {@link PushPlan}).
 */
@ApplicationScoped
public class EventEffects {

    private final boolean newThreadNotifications;
    private final ProjectionService projections;
    private final MentionService mentions;
    private final FanoutService fanout;
    private final NotificationRepository notifications;
    private final SessionResolver sessions;
    private final UnreadService unread;
    private final ObjectMapper json;

    public EventEffects(NotifyConfig config, ProjectionService projections, MentionService mentions,
            FanoutService fanout, NotificationRepository notifications, SessionResolver sessions, UnreadService unread,
            ObjectMapper json) {
        this.newThreadNotifications = config.fanout().newThreadNotifications();
        this.projections = projections;
        this.mentions = mentions;
        this.fanout = fanout;
        this.notifications = notifications;
        this.sessions = sessions;
        this.unread = unread;
        this.json = json;
    }

    /** Applies the event's side effects in the caller's transaction; what to push goes into {@code plan}. */
    void apply(EventEnvelope event, PushPlan plan) {
        switch (event.type()) {
            case USER_REGISTERED -> projections.upsertUser(read(event, UserRegistered.class).user());
            case USER_UPDATED -> projections.upsertUser(read(event, UserUpdated.class).user());
            case THREAD_FOLLOWED -> {
                ThreadFollowed followed = read(event, ThreadFollowed.class);
                projections.follow(followed.threadId(), followed.userId());
            }
            case THREAD_UNFOLLOWED -> {
                ThreadUnfollowed unfollowed = read(event, ThreadUnfollowed.class);
                projections.unfollow(unfollowed.threadId(), unfollowed.userId());
            }
            case NEW_THREAD_CREATED -> onNewThread(read(event, NewThreadCreated.class), plan);
            case NEW_SUB_THREAD_CREATED -> onNewSubThread(read(event, NewSubThreadCreated.class), plan);
            case THREAD_UPDATED -> {
                ThreadUpdates updates = read(event, ThreadUpdated.class).updates();
                projections.updateThread(event.threadId(), event.minTierCents(), updates);
                if (updates != null && updates.minTierCents() != null) {
                    unread.withdrawThreadBelowTier(event.threadId());
                }
            }
            case THREAD_DELETED -> {
                long threadId = read(event, ThreadDeleted.class).threadId();
                projections.deleteThread(threadId);
                unread.withdrawThread(threadId);
            }
            case NEW_MESSAGE -> onNewMessage(event, read(event, NewMessage.class).message(), plan);
            case MESSAGE_EDITED -> onMessageEdited(event, read(event, MessageEdited.class).message(), plan);
            case MESSAGES_DELETED -> {
                long[] ids = read(event, MessagesDeleted.class).messageIds().stream().mapToLong(Long::longValue)
                        .toArray();
                unread.withdrawMessages(ids);
                projections.deleteMessages(ids);
            }
            case EVERYONE_MENTION_DISABLED -> projections.setEveryoneDisabled(true,
                    read(event, EveryoneMentionDisabled.class).message());
            case EVERYONE_MENTION_ENABLED -> projections.setEveryoneDisabled(false,
                    read(event, EveryoneMentionEnabled.class).message());
            case EVERYONE_RESTRICTED -> {
                EveryoneRestricted restricted = read(event, EveryoneRestricted.class);
                projections.restrictEveryone(event.userId(), restricted.reason(), restricted.until());
            }
            case EVERYONE_UNRESTRICTED -> projections.unrestrictEveryone(event.userId());
            case SESSION_REVOKED -> sessions.evictUser(read(event, SessionRevoked.class).userId());
            default -> Log.debugf("event %s (%s): nothing to do", event.eventId(), event.type());
        }
    }

    private void onNewMessage(EventEnvelope event, MessageView message, PushPlan plan) {
        long messageId = message.id();
        long threadId = message.threadId();
        long authorId = message.userId();
        projections.recordMessage(messageId, threadId, authorId);
        projections.ensureThread(threadId, event.minTierCents());
        ThreadRow thread = projections.findThreadById(threadId).orElseThrow();
        if (thread.deleted()) {
            return;
        }
        Actor author = actor(authorId, message.username());
        mentions.notifyMentions(messageId, thread, author, textOf(message.content()), committedAt(event), plan);
        if (message.replyToId() != null) {
            notifyReplied(message.replyToId(), messageId, thread, author, plan);
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
        boolean alreadyNotified = notifications.existsForMessage(messageId, addressee);
        if (user.isEmpty() || !user.get().canReadTier(thread.minTierCents()) || alreadyNotified) {
            return;
        }
        plan.notifications(notifications.insertForUsers(new long[] {addressee},
                new NotificationDraft(NotificationType.REPLY, "New reply",
                        "@" + author.username() + " replied to you in " + quoted(thread), thread.id(), messageId,
                        author)));
    }

    private void onMessageEdited(EventEnvelope event, EditedMessage message, PushPlan plan) {
        long messageId = message.id();
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
                textOf(message.content()), committedAt(event), plan);
    }

    private void onNewThread(NewThreadCreated created, PushPlan plan) {
        ThreadView thread = created.thread();
        projections.upsertThread(thread);
        if (!newThreadNotifications) {
            return;
        }
        Actor creator = actor(created.creator().id(), created.creator().username());
        plan.silent(fanout.notifyReaders("new_thread", thread.minTierCents(), creator.id(),
                new NotificationDraft(NotificationType.NEW_THREAD, "New thread",
                        "@" + creator.username() + " started \u201c" + textOf(thread.title()) + "\u201d",
                        thread.id(), null, creator)));
    }

    private void onNewSubThread(NewSubThreadCreated created, PushPlan plan) {
        ThreadView thread = created.thread();
        projections.upsertThread(thread);
        Actor creator = actor(created.creator().id(), created.creator().username());
        plan.notifications(fanout.notifyFollowers(created.parentThreadId(), thread.minTierCents(), creator.id(),
                new NotificationDraft(NotificationType.NEW_SUB_THREAD, "New sub-thread",
                        "@" + creator.username() + " started \u201c" + textOf(thread.title())
                                + "\u201d from a thread you follow",
                        thread.id(), created.parentMessageId(), creator)));
    }

    /** The author as notifications show them: the event's username if given, role from the projection. */
    private Actor actor(long userId, String username) {
        Optional<UserRow> user = projections.findUserById(userId);
        String name = username != null ? username : user.map(UserRow::username).orElse("user" + userId);
        return new Actor(userId, name, user.map(u -> u.role().wireName()).orElse("member"));
    }

    <P extends EventPayload> P read(EventEnvelope event, Class<P> as) {
        return EventPayloads.read(json, event, as);
    }

    private static String textOf(String text) {
        return text == null ? "" : text;
    }

    private static Instant committedAt(EventEnvelope event) {
        return event.committedAt() == null ? Instant.now() : event.committedAt();
    }

    private static String quoted(ThreadRow thread) {
        return "\u201c" + thread.title() + "\u201d";
    }
}
