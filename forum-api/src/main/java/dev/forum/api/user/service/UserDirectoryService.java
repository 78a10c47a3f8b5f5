package dev.forum.api.user.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.LookupRateLimiter;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.thread.service.ThreadGuard;
import dev.forum.api.common.Times;
import dev.forum.api.user.User;
import dev.forum.api.user.mapping.MentionCandidate;
import dev.forum.api.user.mapping.UserProfile;
import dev.forum.contract.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finding users: the mention autocomplete and profile cards. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class UserDirectoryService {

    public static final int MAX_CANDIDATES = 20;
    public static final int RECENT_POSTS = 5;
    static final int EXCERPT_CHARS = 160;

    private final EntityManager em;
    private final ThreadGuard guard;
    private final LookupRateLimiter rateLimiter;

    public UserDirectoryService(EntityManager em, ThreadGuard guard, LookupRateLimiter rateLimiter) {
        this.em = em;
        this.guard = guard;
        this.rateLimiter = rateLimiter;
    }

    /**
     * Users whose username starts with {@code prefix} (case-insensitive), other than the caller, whom a mention in
     * the thread would notify: those who may read it (staff, or a tier at least the thread's; notification-service
     * applies the same rule). Without a thread: a new tier-0 thread, so everyone. Empty when the thread is not
     * readable by the caller. Counts against the caller's lookup rate limit (429).
     */
    public Optional<List<MentionCandidate>> findMentionableUsers(Caller caller, String prefix, Long threadId, int limit) {
        rateLimiter.acquire(caller.id());
        int minTier = 0;
        if (threadId != null) {
            Optional<ForumThread> thread = guard.findReadableThread(caller, threadId);
            if (thread.isEmpty()) {
                return Optional.empty();
            }
            minTier = thread.get().minTierCents;
        }
        String pattern = prefix.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%";
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                        SELECT id, username, display_name, role FROM forum_user
                        WHERE lower(username) LIKE :pattern AND id <> :caller
                          AND (role IN ('moderator', 'admin') OR tier_cents >= :tier)
                        ORDER BY lower(username) LIMIT :limit""")
                .setParameter("pattern", pattern)
                .setParameter("caller", caller.id())
                .setParameter("tier", minTier)
                .setParameter("limit", Math.max(1, Math.min(limit, MAX_CANDIDATES)))
                .getResultList();
        return Optional.of(rows.stream().map(r -> new MentionCandidate(((Number) r[0]).longValue(), (String) r[1],
                (String) r[2], Role.fromWireName((String) r[3]))).toList());
    }

    /** The user's card, with their latest messages in threads the caller may read (see ThreadGuard.READABLE_THREADS). */
    public Optional<UserProfile> findUserProfile(Caller caller, String username) {
        Optional<User> found = User.findByUsername(username);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        User user = found.get();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(ThreadGuard.READABLE_THREADS + """
                         SELECT m.id, m.thread_id, t.title, left(m.content, :chars), m.created_at
                         FROM forum_message m JOIN readable r ON r.id = m.thread_id JOIN forum_thread t ON t.id = m.thread_id
                         WHERE m.user_id = :user ORDER BY m.id DESC LIMIT :limit""")
                .setParameter("staff", caller.isStaff())
                .setParameter("tier", caller.user().tierCents())
                .setParameter("user", user.id)
                .setParameter("chars", EXCERPT_CHARS)
                .setParameter("limit", RECENT_POSTS)
                .getResultList();
        List<UserProfile.RecentPost> posts = rows.stream().map(r -> new UserProfile.RecentPost(
                ((Number) r[0]).longValue(), ((Number) r[1]).longValue(), (String) r[2], (String) r[3],
                Times.instant(r[4]))).toList();
        return Optional.of(new UserProfile(user.id, user.username, user.displayName, user.roleEnum(), user.createdAt, posts));
    }
}
