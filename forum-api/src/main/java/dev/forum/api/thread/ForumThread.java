package dev.forum.api.thread;

import dev.forum.api.user.User;
import dev.forum.contract.ThreadAccess;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.ColumnResult;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityResult;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SqlResultSetMapping;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

@Entity
@Table(name = "forum_thread")
@SqlResultSetMapping(name = ForumThread.WITH_FOLLOWING, entities = @EntityResult(entityClass = ForumThread.class),
        columns = @ColumnResult(name = "following", type = Boolean.class))
public class ForumThread extends PanacheEntityBase {

    static final String WITH_FOLLOWING = "ForumThread.withFollowing";

    /** A thread and whether a given user follows it. */
    public record WithFollowing(ForumThread thread, boolean following) {
    }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String title;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "user_id")
    public User author;

    @Column(name = "min_tier_cents")
    public int minTierCents;

    @Column(name = "is_pinned")
    public boolean pinned;

    @Column(name = "is_locked")
    public boolean locked;

    @Column(name = "parent_thread_id")
    public Long parentThreadId;

    @Column(name = "parent_message_id")
    public Long parentMessageId;

    @Column(name = "message_count")
    public int messageCount;

    @Column(name = "last_activity_at")
    public Instant lastActivityAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "deleted_at")
    public Instant deletedAt;

    /**
     * The thread and whether {@code userId} follows it, in one query: a post follows its thread, and most posts come
     * from members who already do, so the post path reads this instead of upserting the follow every time.
     */
    public static Optional<WithFollowing> findByIdWithFollowing(long id, long userId) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                        SELECT t.*, EXISTS (SELECT 1 FROM thread_follow f WHERE f.thread_id = t.id AND f.user_id = ?2)
                               AS following
                        FROM forum_thread t WHERE t.id = ?1""", WITH_FOLLOWING)
                .setParameter(1, id).setParameter(2, userId).getResultList();
        return rows.stream().findFirst().map(row -> new WithFollowing((ForumThread) row[0], (Boolean) row[1]));
    }

    public boolean isDeleted() {
        return deletedAt != null;
    }

    public ThreadAccess access() {
        return new ThreadAccess(id, minTierCents, isDeleted());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForumThread other && id != null && Objects.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
