package dev.forum.api.thread;

import io.quarkus.hibernate.orm.panache.Panache;

/** Follows are a plain (thread_id, user_id) table; these are its queries. */
public final class ThreadFollow {

    private ThreadFollow() {
    }

    public static boolean isFollowing(long threadId, long userId) {
        return !Panache.getEntityManager()
                .createNativeQuery("SELECT 1 FROM thread_follow WHERE thread_id = ?1 AND user_id = ?2")
                .setParameter(1, threadId).setParameter(2, userId)
                .getResultList().isEmpty();
    }

    /** True when this call created the follow. */
    public static boolean follow(long threadId, long userId) {
        return Panache.getEntityManager()
                .createNativeQuery("INSERT INTO thread_follow (thread_id, user_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
                .setParameter(1, threadId).setParameter(2, userId)
                .executeUpdate() == 1;
    }

    /** True when this call removed the follow. */
    public static boolean unfollow(long threadId, long userId) {
        return Panache.getEntityManager()
                .createNativeQuery("DELETE FROM thread_follow WHERE thread_id = ?1 AND user_id = ?2")
                .setParameter(1, threadId).setParameter(2, userId)
                .executeUpdate() == 1;
    }
}
