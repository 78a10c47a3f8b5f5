package dev.forum.api.thread.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.ApiException;
import dev.forum.api.thread.ForumThread;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/** The read/post/edit rules of threads, in one place. */
@ApplicationScoped
public class ThreadGuard {

    /** The thread if it exists, is not deleted, and the caller's tier (or staff role) lets them read it. */
    public Optional<ForumThread> findReadableThread(Caller caller, long threadId) {
        ForumThread thread = ForumThread.findById(threadId);
        if (thread == null || !thread.access().canRead(caller.user().role(), caller.user().tierCents())) {
            return Optional.empty();
        }
        return Optional.of(thread);
    }

    /** Locked threads refuse posts, except from staff. */
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
