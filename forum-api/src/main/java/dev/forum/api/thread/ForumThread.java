package dev.forum.api.thread;

import dev.forum.api.user.User;
import dev.forum.contract.ThreadAccess;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Objects;

@Entity
@Table(name = "forum_thread")
public class ForumThread extends PanacheEntityBase {

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
