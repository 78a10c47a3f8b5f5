package dev.forum.api.message.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.PostRateLimiter;
import dev.forum.api.common.RateLimits;
import dev.forum.api.common.Times;
import dev.forum.api.message.Message;
import dev.forum.api.message.mapping.MarkdownRenderer;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.outbox.mapping.EventMapper;
import dev.forum.api.outbox.service.OutboxWriter;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.thread.ThreadFollow;
import dev.forum.api.thread.service.ThreadGuard;
import dev.forum.api.user.User;
import dev.forum.common.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Messages: post, edit, delete (with replies), like. Every change writes its event in the same transaction. Posts
 * and edits count against the post limit, likes against the reaction limit; a locked thread refuses posts, edits
 * and likes from members (423).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class MessageService {

    public static final int MAX_PAGE = 200;

    private final EntityManager em;
    private final ThreadGuard guard;
    private final MarkdownRenderer markdown;
    private final OutboxWriter outbox;
    private final EventMapper events;
    private final PostRateLimiter rateLimiter;
    private final RateLimits rateLimits;

    public MessageService(EntityManager em, ThreadGuard guard, MarkdownRenderer markdown, OutboxWriter outbox,
                          EventMapper events, PostRateLimiter rateLimiter, RateLimits rateLimits) {
        this.em = em;
        this.guard = guard;
        this.markdown = markdown;
        this.outbox = outbox;
        this.events = events;
        this.rateLimiter = rateLimiter;
        this.rateLimits = rateLimits;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<List<MessageView>> findMessages(Caller caller, long threadId, long afterMessageId, int limit) {
        return guard.findReadableThread(caller, threadId)
                .map(thread -> MessageView.forReader(
                        Message.listPage(thread.id, afterMessageId, Math.min(limit, MAX_PAGE)), caller.id()));
    }

    public Optional<MessageView> persistMessage(Caller caller, long threadId, String content, Long replyToId) {
        return persistMessage(caller, threadId, content, replyToId, rateLimiter::acquire);
    }

    /**
     * {@link #persistMessage} with the post counted by {@code countPost} (given the caller's id) instead of against the
     * caller's post limit: the start-up warm-up ({@link dev.forum.api.warmup.service.WarmUpService}) posts in
     * transactions that roll back and counts its posts on a key of its own, removed after its round.
     */
    public Optional<MessageView> persistMessage(Caller caller, long threadId, String content, Long replyToId,
                                                LongConsumer countPost) {
        Optional<ForumThread.WithFollowing> found = guard.findReadableThreadWithFollowing(caller, threadId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ForumThread thread = found.get().thread();
        guard.requirePostable(caller, thread);
        countPost.accept(caller.id());
        // The caller is who the session says: a reference, not a read of forum_user.
        User author = em.getReference(User.class, caller.id());
        // The insert's foreign key check holds the thread's row FOR KEY SHARE until commit: a moderator's lock, tier
        // change or deletion (FOR UPDATE) waits for this post or this post for it, while other posts do not. The
        // thread's counters are not touched here: the relay adds the event's message_delta when it numbers it.
        Message message = insertMessage(thread, author, content, replyToId, Times.now());
        MessageView view = MessageView.of(message, caller.id(), caller.username(), null);
        outbox.write(events.newMessage(message, caller.id(), caller.username()));
        if (!found.get().following()) {
            // Not when the poster already follows (the common case): one statement less per post. An unfollow
            // committed after the read above is as if it came after this post.
            followOnPost(thread, caller.id());
        }
        return Optional.of(view);
    }

    /**
     * Adds the first message to a thread created in this transaction, whose row was inserted already counting it
     * (no other transaction sees that row yet, so nothing waits on it), at the thread's creation time. Writes no
     * event (callers order their events; the message's is {@link EventMapper#firstMessage}, which the relay does not
     * count again).
     */
    public Message addFirstMessage(ForumThread thread, User author, String content) {
        return insertMessage(thread, author, content, null, thread.createdAt);
    }

    private Message insertMessage(ForumThread thread, User author, String content, Long replyToId, Instant at) {
        if (replyToId != null) {
            Message parent = Message.findById(replyToId);
            if (parent == null || !parent.thread.id.equals(thread.id)) {
                throw ApiException.badRequest("validation_failed", "reply_to_id is not a message of this thread",
                        "reply_to_id");
            }
        }
        Message message = new Message();
        message.thread = thread;
        message.author = author;
        message.content = content;
        message.contentHtml = markdown.toSafeHtml(content, User::usernamesByLowerName);
        message.replyToId = replyToId;
        message.createdAt = at;
        message.persist();
        em.flush();
        return message;
    }

    /** Posting follows the thread (idempotent); a new follow is announced internally. */
    public void followOnPost(ForumThread thread, long userId) {
        if (ThreadFollow.follow(thread.id, userId)) {
            outbox.write(events.threadFollowed(thread, userId, true));
        }
    }

    public Optional<MessageView> partialUpdateMessage(Caller caller, long messageId, String content) {
        Optional<Message> found = findReadableMessage(caller, messageId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Message message = found.get();
        guard.requireAuthorOrStaff(caller, message.author.id);
        guard.requirePostable(caller, message.thread);
        rateLimiter.acquire(caller.id());
        message.content = content;
        message.contentHtml = markdown.toSafeHtml(content, User::usernamesByLowerName);
        message.editedAt = Times.now();
        outbox.write(events.messageEdited(message));
        return Optional.of(MessageView.of(message));
    }

    /** Deletes the message and all its replies, recursively; returns every deleted id. */
    public Optional<List<Long>> deleteMessage(Caller caller, long messageId) {
        Optional<Message> found = findReadableMessage(caller, messageId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Message message = found.get();
        guard.requireAuthorOrStaff(caller, message.author.id);
        ForumThread thread = message.thread;
        @SuppressWarnings("unchecked")
        List<Number> rows = em.createNativeQuery("""
                        WITH RECURSIVE tree AS (
                            SELECT id FROM forum_message WHERE id = ?1
                            UNION ALL
                            SELECT m.id FROM forum_message m JOIN tree ON m.reply_to_id = tree.id)
                        SELECT id FROM tree ORDER BY id""")
                .setParameter(1, messageId).getResultList();
        List<Long> ids = rows.stream().map(Number::longValue).toList();
        em.flush();
        // Like a post, a deletion holds the thread FOR KEY SHARE (serialised with a moderator's change of the
        // thread, not with posts); the relay takes the rows it really deleted (a concurrent deletion of the same
        // replies may have taken some) off the thread's count when it numbers the event.
        em.createNativeQuery("SELECT 1 FROM forum_thread WHERE id = ?1 FOR KEY SHARE")
                .setParameter(1, thread.id).getResultList();
        int removed = em.createNativeQuery("DELETE FROM forum_message WHERE id IN (:ids)")
                .setParameter("ids", ids).executeUpdate();
        outbox.write(events.messagesDeleted(thread, ids, removed));
        return Optional.of(ids);
    }

    /** Idempotent like/unlike (423 in a locked thread for members; counted as a reaction); an event only when the state changed. */
    public Optional<MessageView> likeMessage(Caller caller, long messageId, boolean like) {
        Optional<Message> found = findReadableMessage(caller, messageId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Message message = found.get();
        guard.requirePostable(caller, message.thread);
        rateLimits.acquireReaction(caller.id());
        String change = like
                ? "INSERT INTO message_like (message_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
                : "DELETE FROM message_like WHERE message_id = ?1 AND user_id = ?2";
        int changed = em.createNativeQuery(change)
                .setParameter(1, messageId).setParameter(2, caller.id()).executeUpdate();
        if (changed == 1) {
            em.createNativeQuery("UPDATE forum_message SET like_count = like_count + ?1 WHERE id = ?2")
                    .setParameter(1, like ? 1 : -1).setParameter(2, messageId).executeUpdate();
            em.refresh(message);
            outbox.write(events.messageLiked(message, User.findById(caller.id()), like));
        }
        return Optional.of(MessageView.of(message));
    }

    /** The message if the caller may read its thread. */
    public Optional<Message> findReadableMessage(Caller caller, long messageId) {
        Message message = Message.findById(messageId);
        if (message == null || guard.findReadableThread(caller, message.thread.id).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(message);
    }
}
