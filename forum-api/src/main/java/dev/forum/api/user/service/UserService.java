package dev.forum.api.user.service;

import dev.forum.api.common.Times;
import dev.forum.api.outbox.mapping.EventMapper;
import dev.forum.api.outbox.service.OutboxWriter;
import dev.forum.api.user.User;
import dev.forum.api.user.UserSession;
import dev.forum.api.user.mapping.UserView;
import dev.forum.contract.Role;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import java.util.Optional;

/** Admin changes to a user: role, membership tier, suspension, ending their sessions. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class UserService {

    private final OutboxWriter outbox;
    private final EventMapper events;

    public UserService(OutboxWriter outbox, EventMapper events) {
        this.outbox = outbox;
        this.events = events;
    }

    public Optional<UserView> partialUpdateUser(long id, Role role, Integer tierCents) {
        User user = User.findById(id);
        if (user == null) {
            return Optional.empty();
        }
        if (role != null) {
            user.role = role.wireName();
        }
        if (tierCents != null) {
            user.tierCents = tierCents;
        }
        outbox.write(events.userUpdated(user));
        return Optional.of(UserView.of(user));
    }

    /**
     * Suspends the user (or lifts it): while suspended they cannot log in and none of their sessions resolves.
     * Suspending revokes every session and emits {@code session_revoked} (all_sessions) so gateways close their
     * sockets, then {@code user_updated}. Idempotent; empty for an unknown user.
     */
    public Optional<UserView> suspendUser(long id, boolean suspend) {
        User user = User.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (user == null) {
            return Optional.empty();
        }
        if (suspend != user.isSuspended()) {
            user.suspendedAt = suspend ? Times.now() : null;
            if (suspend) {
                revokeAllSessions(user, "suspended");
            }
            outbox.write(events.userUpdated(user));
        }
        return Optional.of(UserView.of(user));
    }

    /** Ends every session of the user (they must log in again); the number of sessions ended, empty if unknown. */
    public Optional<Integer> endAllSessions(long id) {
        User user = User.findById(id);
        return user == null ? Optional.empty() : Optional.of(revokeAllSessions(user, "sessions_ended"));
    }

    private int revokeAllSessions(User user, String reason) {
        int revoked = UserSession.update("revokedAt = ?1 where user.id = ?2 and revokedAt is null", Times.now(),
                user.id);
        outbox.write(events.allSessionsRevoked(user.id, reason));
        return revoked;
    }

    /**
     * Makes the named user an admin if no admin exists yet, emitting {@code user_updated}; empty when there is no such
     * user or an admin already exists. The user's row is locked first, so replicas starting together promote once.
     */
    public Optional<UserView> promoteToAdminIfNoAdmin(String username) {
        Optional<User> found = User.findByUsername(username);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        User user = User.findById(found.get().id, LockModeType.PESSIMISTIC_WRITE);
        if (User.count("role", Role.ADMIN.wireName()) > 0) {
            return Optional.empty();
        }
        user.role = Role.ADMIN.wireName();
        outbox.write(events.userUpdated(user));
        return Optional.of(UserView.of(user));
    }
}
