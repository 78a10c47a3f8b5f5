package dev.forum.api.moderation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** A user who may not mention @everyone, until {@code until} (null: until lifted). */
@Entity
@Table(name = "everyone_restriction")
public class EveryoneRestriction extends PanacheEntityBase {

    @Id
    @Column(name = "user_id")
    public Long userId;

    public String reason;

    public Instant until;

    @Column(name = "restricted_by")
    public Long restrictedBy;

    @Column(name = "created_at")
    public Instant createdAt;

    public static List<EveryoneRestriction> listActive(Instant now) {
        return list("until is null or until > ?1 order by createdAt desc", now);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EveryoneRestriction other && userId != null && Objects.equals(userId, other.userId);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(userId);
    }
}
