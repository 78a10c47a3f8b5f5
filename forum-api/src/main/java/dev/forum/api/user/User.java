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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

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

    /** Set while an admin has suspended the account: no login, no session resolves. */
    @Column(name = "suspended_at")
    public Instant suspendedAt;

    @Column(name = "created_at", insertable = false, updatable = false)
    public Instant createdAt;

    public static Optional<User> findByUsername(String username) {
        return find("lower(username) = lower(?1)", username).firstResultOptional();
    }

    /** The registered usernames of those that exist among these lower-cased names, by lower-cased name. */
    public static Map<String, String> usernamesByLowerName(Set<String> lowerNames) {
        if (lowerNames.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        List<String> found = getEntityManager()
                .createNativeQuery("SELECT username FROM forum_user WHERE lower(username) IN (:names)")
                .setParameter("names", lowerNames).getResultList();
        return found.stream().collect(Collectors.toMap(u -> u.toLowerCase(Locale.ROOT), u -> u, (a, b) -> a));
    }

    public boolean isSuspended() {
        return suspendedAt != null;
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
