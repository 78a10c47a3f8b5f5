package dev.forum.api.thread.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.thread.ForumThread;
import dev.forum.common.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** The read/post/edit rules of threads, in one place. */
@ApplicationScoped
public class ThreadGuard {

    /**
     * A recursive CTE {@code readable(id)} of every thread the caller may read, for queries over many threads
     * (search, profiles): readable top-level threads, then readable children of readable threads, so a sub-thread is
     * hidden while any ancestor is deleted or above the caller's tier. Parameters {@code :staff} (boolean: staff read
     * every tier) and {@code :tier} (the caller's tier in cents).
     */
    public static final String READABLE_THREADS = """
            WITH RECURSIVE readable AS (
                SELECT t.id FROM forum_thread t
                WHERE t.parent_thread_id IS NULL AND t.deleted_at IS NULL AND (:staff OR t.min_tier_cents <= :tier)
              UNION ALL
                SELECT c.id FROM forum_thread c JOIN readable r ON c.parent_thread_id = r.id
                WHERE c.deleted_at IS NULL AND (:staff OR c.min_tier_cents <= :tier)
            )""";

    /** The thread if it exists, is not deleted, and the caller's tier (or staff role) lets them read it. */
    public Optional<ForumThread> findReadableThread(Caller caller, long threadId) {
        ForumThread thread = ForumThread.findById(threadId);
        return thread == null || !canRead(caller, thread) ? Optional.empty() : Optional.of(thread);
    }

    /** {@link #findReadableThread}, with whether the caller follows it (one query; the post path's). */
    public Optional<ForumThread.WithFollowing> findReadableThreadWithFollowing(Caller caller, long threadId) {
        return ForumThread.findByIdWithFollowing(threadId, caller.id()).filter(found -> canRead(caller, found.thread()));
    }

    private static boolean canRead(Caller caller, ForumThread thread) {
        return thread.access().canRead(caller.user().role(), caller.user().tierCents());
    }

    /** Locked threads refuse posts, edits and likes, except from staff (423). */
    public void requirePostable(Caller caller, ForumThread thread) {
        if (thread.locked && !caller.isStaff()) {
            throw ApiException.locked("Thread is locked");
        }
    }

    /** Only the author or staff edit or delete. */
    public void requireAuthorOrStaff(Caller caller, long authorId) {
        if (authorId != caller.id() && !caller.isStaff()) {
            throw ApiException.forbidden("Only the author or a moderator may do this");
        }
    }
}
