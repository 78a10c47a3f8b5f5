package dev.forum.api.user;

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
import java.util.Optional;

/** A login: the opaque token is never stored, only its SHA-256. */
@Entity
@Table(name = "user_session")
public class UserSession extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(fetch = FetchType.EAGER, optional = false)
    @JoinColumn(name = "user_id")
    public User user;

    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    /** The live session of this token hash, with its user (one query). */
    public static Optional<UserSession> findActiveByTokenHash(String tokenHash, Instant now) {
        return find("select s from UserSession s join fetch s.user"
                + " where s.tokenHash = ?1 and s.revokedAt is null and s.expiresAt > ?2", tokenHash, now)
                .firstResultOptional();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UserSession other && id != null && Objects.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
