package dev.forum.api.thread.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.PostRateLimiter;
import dev.forum.api.common.RateLimits;
import dev.forum.api.common.Times;
import dev.forum.api.message.Message;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.outbox.NewEvent;
import dev.forum.api.outbox.mapping.EventMapper;
import dev.forum.api.outbox.service.OutboxWriter;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.thread.ReadPosition;
import dev.forum.api.thread.ThreadFollow;
import dev.forum.api.thread.mapping.ThreadCursor;
import dev.forum.api.thread.mapping.ThreadDetail;
import dev.forum.api.thread.mapping.ThreadPage;
import dev.forum.api.thread.mapping.ThreadView;
import dev.forum.api.user.User;
import dev.forum.common.error.ApiException;
import dev.forum.contract.ThreadAccess;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** Threads and sub-threads: create, list, read, update, delete, follow. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class ThreadService {

    public static final int MAX_PAGE = 100;

    private final EntityManager em;
    private final ThreadGuard guard;
    private final MessageService messages;
    private final OutboxWriter outbox;
    private final EventMapper events;
    private final PostRateLimiter rateLimiter;
    private final RateLimits rateLimits;

    public ThreadService(EntityManager em, ThreadGuard guard, MessageService messages, OutboxWriter outbox,
                         EventMapper events, PostRateLimiter rateLimiter, RateLimits rateLimits) {
        this.em = em;
        this.guard = guard;
        this.messages = messages;
        this.outbox = outbox;
        this.events = events;
        this.rateLimiter = rateLimiter;
        this.rateLimits = rateLimits;
    }

    public record ThreadPatch(String title, Boolean isPinned, Boolean isLocked, Integer minTierCents) {
    }

    public ThreadView persistThread(Caller caller, String title, String content, Integer minTierCents) {
        rateLimiter.acquire(caller.id());
        User author = User.findById(caller.id());
        ForumThread thread = newThread(author, title, minTierCents == null ? 0 : minTierCents, null, null, true);
        Message first = messages.addFirstMessage(thread, author, content);
        outbox.write(events.newThreadCreated(thread, author));
        outbox.write(events.firstMessage(first));
        messages.followOnPost(thread, author.id);
        return ThreadView.of(thread);
    }

    /** A sub-thread spawned from a message; it is at least as restricted as its parent. */
    public Optional<ThreadView> persistSubThread(Caller caller, long messageId, String title, String content) {
        Optional<Message> found = messages.findReadableMessage(caller, messageId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Message parentMessage = found.get();
        ForumThread parent = parentMessage.thread;
        if (!lockChain(parent)) {
            return Optional.empty();
        }
        guard.requirePostable(caller, parent);
        rateLimiter.acquire(caller.id());
        User author = User.findById(caller.id());
        boolean withMessage = content != null && !content.isBlank();
        ForumThread sub = newThread(author, title, parent.minTierCents, parent.id, parentMessage.id, withMessage);
        Message first = withMessage ? messages.addFirstMessage(sub, author, content) : null;
        em.createNativeQuery("UPDATE forum_message SET spawned_thread_count = spawned_thread_count + 1 WHERE id = ?1")
                .setParameter(1, parentMessage.id).executeUpdate();
        em.refresh(parentMessage);
        outbox.write(events.newSubThreadCreated(parent, sub, parentMessage, author));
        outbox.write(events.messageThreadCountUpdated(parentMessage, sub, author));
        if (first != null) {
            outbox.write(events.firstMessage(first));
        }
        messages.followOnPost(sub, author.id);
        return Optional.of(ThreadView.of(sub));
    }

    /**
     * Locks the thread and its ancestors (FOR KEY SHARE) and refreshes the thread, so that a tier change or delete of
     * any of them ({@link #lockForModeration}: FOR UPDATE) waits for this transaction, and this one sees their
     * committed state (a new sub-thread inherits the parent's current tier); posts to them and the relay's counter
     * updates do not wait. False when the thread or an ancestor is deleted.
     */
    private boolean lockChain(ForumThread thread) {
        @SuppressWarnings("unchecked")
        List<Object> deleted = em.createNativeQuery("""
                        SELECT deleted_at FROM forum_thread WHERE id IN (
                            WITH RECURSIVE chain AS (
                                SELECT id, parent_thread_id FROM forum_thread WHERE id = ?1
                                UNION ALL
                                SELECT t.id, t.parent_thread_id FROM forum_thread t JOIN chain ON t.id = chain.parent_thread_id)
                            SELECT id FROM chain)
                        ORDER BY id FOR KEY SHARE""")
                .setParameter(1, thread.id).getResultList();
        em.refresh(thread);
        return deleted.stream().allMatch(Objects::isNull);
    }

    /**
     * Raises every descendant below {@code minTierCents} to it (a sub-thread is never less restricted than its
     * parent), with a {@code thread_updated} event each, so readers, gateways and notifications follow at once.
     */
    private void raiseDescendants(ForumThread thread) {
        updateLiveDescendants(thread, "min_tier_cents = ?2", "min_tier_cents < ?2", thread.minTierCents,
                events::threadUpdated);
    }

    /** Soft-deletes every live descendant with the thread, each with its {@code thread_deleted} event. */
    private void deleteDescendants(ForumThread thread) {
        updateLiveDescendants(thread, "deleted_at = ?2", "TRUE", thread.deletedAt, events::threadDeleted);
    }

    /**
     * {@code UPDATE ... SET <set>} on every live descendant matching {@code condition} (?2 = value), then its event.
     * The rows are locked FOR UPDATE first, in id order, for the reason and in the order of {@link #lockForModeration}.
     */
    private void updateLiveDescendants(ForumThread thread, String set, String condition, Object value,
                                       Function<ForumThread, NewEvent> event) {
        @SuppressWarnings("unchecked")
        List<Number> ids = em.createNativeQuery("""
                        WITH RECURSIVE descendants AS (
                            SELECT id FROM forum_thread WHERE parent_thread_id = ?1
                            UNION ALL
                            SELECT t.id FROM forum_thread t JOIN descendants d ON t.parent_thread_id = d.id),
                        locked AS (
                            SELECT id FROM forum_thread
                            WHERE id IN (SELECT id FROM descendants) AND deleted_at IS NULL AND %2$s
                            ORDER BY id FOR UPDATE)
                        UPDATE forum_thread SET %1$s
                        WHERE id IN (SELECT id FROM locked)
                        RETURNING id""".formatted(set, condition))
                .setParameter(1, thread.id).setParameter(2, value).getResultList();
        for (Number id : ids) {
            ForumThread descendant = ForumThread.findById(id.longValue());
            em.refresh(descendant);
            outbox.write(event.apply(descendant));
        }
    }

    /** A new thread row; {@code withFirstMessage}: it counts the first message its creator adds in this transaction. */
    private ForumThread newThread(User author, String title, int minTierCents, Long parentThreadId, Long parentMessageId,
                                  boolean withFirstMessage) {
        ForumThread thread = new ForumThread();
        thread.messageCount = withFirstMessage ? 1 : 0;
        thread.title = title.strip();
        thread.author = author;
        thread.minTierCents = minTierCents;
        thread.parentThreadId = parentThreadId;
        thread.parentMessageId = parentMessageId;
        thread.createdAt = Times.now();
        thread.lastActivityAt = thread.createdAt;
        thread.persist();
        return thread;
    }

    /** Pinned first, then most recent activity; only threads the caller may read; keyset-paged. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public ThreadPage findAllThreads(Caller caller, int limit, String cursor, Long parentThreadId) {
        int size = Math.max(1, Math.min(limit, MAX_PAGE));
        StringBuilder sql = new StringBuilder("SELECT * FROM forum_thread t WHERE t.deleted_at IS NULL");
        sql.append(parentThreadId == null ? " AND t.parent_thread_id IS NULL" : " AND t.parent_thread_id = :parent");
        if (!caller.isStaff()) {
            sql.append(" AND t.min_tier_cents <= :tier");
        }
        ThreadCursor after = cursor == null || cursor.isBlank() ? null : ThreadCursor.decode(cursor);
        if (after != null) {
            sql.append(" AND (t.is_pinned, t.last_activity_at, t.id) < (:pinned, :activity, :id)");
        }
        sql.append(" ORDER BY t.is_pinned DESC, t.last_activity_at DESC, t.id DESC LIMIT :limit");
        Query query = em.createNativeQuery(sql.toString(), ForumThread.class).setParameter("limit", size + 1);
        if (parentThreadId != null) {
            query.setParameter("parent", parentThreadId);
        }
        if (!caller.isStaff()) {
            query.setParameter("tier", caller.user().tierCents());
        }
        if (after != null) {
            query.setParameter("pinned", after.pinned())
                    .setParameter("activity", after.lastActivityAt())
                    .setParameter("id", after.id());
        }
        @SuppressWarnings("unchecked")
        List<ForumThread> rows = query.getResultList();
        boolean more = rows.size() > size;
        List<ForumThread> page = more ? rows.subList(0, size) : rows;
        preloadAuthors(page);
        String next = more ? ThreadCursor.after(page.get(page.size() - 1)).encode() : null;
        return new ThreadPage(page.stream().map(ThreadView::of).toList(), next);
    }

    /** Loads the page's authors in one query, so that ThreadView.of finds them in the persistence context. */
    private static void preloadAuthors(List<ForumThread> threads) {
        List<Long> authorIds = threads.stream().map(t -> t.author.id).distinct().toList();
        if (!authorIds.isEmpty()) {
            User.list("id in ?1", authorIds);
        }
    }

    /** A thread with the page of messages after {@code afterMessageId} (keyset, oldest first). */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ThreadDetail> findThreadById(Caller caller, long id, long afterMessageId, int limit) {
        int size = pageSize(limit);
        return guard.findReadableThread(caller, id).map(thread -> {
            List<Message> rows = Message.listPage(thread.id, afterMessageId, size + 1);
            boolean more = rows.size() > size;
            boolean earlier = afterMessageId > 0 && Message.existsBetween(thread.id, Long.MIN_VALUE, afterMessageId);
            return detail(caller, thread, more ? rows.subList(0, size) : rows, more, earlier);
        });
    }

    /**
     * A thread with the {@code limit} messages immediately before {@code beforeMessageId} (keyset, oldest first);
     * {@code Long.MAX_VALUE} asks for the newest page.
     */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ThreadDetail> findThreadByIdBefore(Caller caller, long id, long beforeMessageId, int limit) {
        int size = pageSize(limit);
        return guard.findReadableThread(caller, id).map(thread -> {
            List<Message> rows = Message.listPageBefore(thread.id, beforeMessageId, size + 1);
            boolean earlier = rows.size() > size;
            List<Message> page = new ArrayList<>(earlier ? rows.subList(0, size) : rows);
            Collections.reverse(page);
            boolean more = beforeMessageId < Long.MAX_VALUE
                    && Message.existsBetween(thread.id, beforeMessageId, Long.MAX_VALUE);
            return detail(caller, thread, page, more, earlier);
        });
    }

    private static int pageSize(int limit) {
        return Math.max(1, Math.min(limit, MessageService.MAX_PAGE));
    }

    private static ThreadDetail detail(Caller caller, ForumThread thread, List<Message> page, boolean more, boolean earlier) {
        List<MessageView> views = MessageView.forReader(page, caller.id());
        return new ThreadDetail(ThreadView.of(thread), ThreadFollow.isFollowing(thread.id, caller.id()), views, more, earlier,
                ReadPosition.find(thread.id, caller.id()).orElse(null));
    }

    public Optional<ThreadView> partialUpdateThread(Caller caller, long id, ThreadPatch patch) {
        Optional<ForumThread> found = guard.findReadableThread(caller, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ForumThread thread = found.get();
        if (patch.title() == null && patch.isPinned() == null && patch.isLocked() == null && patch.minTierCents() == null) {
            return Optional.of(ThreadView.of(thread));
        }
        lockForModeration(thread);
        boolean staffFields = patch.isPinned() != null || patch.isLocked() != null || patch.minTierCents() != null;
        if (staffFields && !caller.isStaff()) {
            throw ApiException.forbidden("Only moderators may pin, lock or change the tier");
        }
        if (patch.title() != null) {
            guard.requireAuthorOrStaff(caller, thread.author.id);
            if (patch.title().isBlank()) {
                throw ApiException.badRequest("validation_failed", "title must not be blank", "title");
            }
            thread.title = patch.title().strip();
        }
        if (patch.isPinned() != null) {
            thread.pinned = patch.isPinned();
        }
        if (patch.isLocked() != null) {
            thread.locked = patch.isLocked();
        }
        boolean raised = false;
        if (patch.minTierCents() != null) {
            requireAtLeastParentTier(thread, patch.minTierCents());
            raised = patch.minTierCents() > thread.minTierCents;
            thread.minTierCents = patch.minTierCents();
        }
        outbox.write(events.threadUpdated(thread));
        if (raised) {
            em.flush();
            raiseDescendants(thread);
        }
        return Optional.of(ThreadView.of(thread));
    }

    /**
     * Locks the thread's row FOR UPDATE and re-reads it. Not {@code PESSIMISTIC_WRITE}, which Hibernate takes as FOR NO
     * KEY UPDATE on PostgreSQL: only FOR UPDATE conflicts with the FOR KEY SHARE that every write into the thread holds
     * (a message insert's foreign key check, {@link #lockChain}, a message deletion), so a post and a lock, tier change
     * or deletion of its thread are serialised (each one's event is written after the other's commit), while posts
     * do not wait for each other. Ancestors are locked before descendants (ids grow from parent to child), in id
     * order like the relay's counter updates (OutboxNumbering), so none of them can deadlock.
     */
    private void lockForModeration(ForumThread thread) {
        em.createNativeQuery("SELECT 1 FROM forum_thread WHERE id = ?1 FOR UPDATE")
                .setParameter(1, thread.id).getResultList();
        em.refresh(thread);
    }

    /** A sub-thread's tier may not go below its parent's (400). */
    private static void requireAtLeastParentTier(ForumThread thread, int minTierCents) {
        if (thread.parentThreadId == null) {
            return;
        }
        ForumThread parent = ForumThread.findById(thread.parentThreadId);
        if (parent != null && minTierCents < parent.minTierCents) {
            throw ApiException.badRequest("validation_failed",
                    "min_tier_cents of a sub-thread must be at least its parent's (" + parent.minTierCents + ")",
                    "min_tier_cents");
        }
    }

    /**
     * Soft delete: the thread and its sub-threads (recursively) disappear for readers, the feed reports
     * thread_deleted for each, access says deleted.
     */
    public boolean deleteThread(Caller caller, long id) {
        Optional<ForumThread> found = guard.findReadableThread(caller, id);
        if (found.isEmpty()) {
            return false;
        }
        ForumThread thread = found.get();
        guard.requireAuthorOrStaff(caller, thread.author.id);
        lockForModeration(thread);
        thread.deletedAt = Times.now();
        outbox.write(events.threadDeleted(thread));
        em.flush();
        deleteDescendants(thread);
        return true;
    }

    /** Idempotent follow/unfollow (counted as a reaction); returns the resulting state, empty if the thread is not readable. */
    public Optional<Boolean> followThread(Caller caller, long id, boolean follow) {
        Optional<ForumThread> found = guard.findReadableThread(caller, id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ForumThread thread = found.get();
        rateLimits.acquireReaction(caller.id());
        boolean changed = follow ? ThreadFollow.follow(id, caller.id()) : ThreadFollow.unfollow(id, caller.id());
        if (changed) {
            outbox.write(events.threadFollowed(thread, caller.id(), follow));
        }
        return Optional.of(follow);
    }

    /**
     * Records that the caller read up to {@code messageId} (forward only, capped at the newest message); the resulting
     * position, or empty when the thread is not readable. A thread without such a message keeps no position (0).
     */
    public Optional<Long> advanceReadPosition(Caller caller, long id, long messageId) {
        return guard.findReadableThread(caller, id)
                .map(thread -> ReadPosition.advance(thread.id, caller.id(), messageId).orElse(0L));
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ThreadAccess> findThreadAccess(long id) {
        return Optional.ofNullable(ForumThread.<ForumThread>findById(id)).map(ForumThread::access);
    }
}
