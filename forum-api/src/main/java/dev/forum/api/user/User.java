package dev.forum.api.user;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

@Entity
@Table(name = "forum_user")
public class User extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public String username;

    @Column(name = "display_name")
    public String displayName;

    @Column(name = "password_hash")
    public String passwordHash;

    public String role;

    @Column(name = "tier_cents")
    public int tierCents;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<User> findByUsername(String username) {
        return find("lower(username) = lower(?1)", username).firstResultOptional();
    }

    public Role roleEnum() {
        return Role.fromWireName(role);
    }

    public boolean isStaff() {
        return roleEnum().isStaff();
    }

    public CurrentUser toCurrentUser() {
        return new CurrentUser(id, username, displayName, roleEnum(), tierCents);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof User other && id != null && Objects.equals(id, other.id);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(id);
    }
}
