package dev.forum.api.user.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.common.RateLimits;
import dev.forum.api.common.Times;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.EventMapper;
import dev.forum.api.outbox.service.OutboxWriter;
import dev.forum.api.user.User;
import dev.forum.api.user.UserSession;
import dev.forum.common.auth.SessionCredential;
import dev.forum.common.error.ApiException;
import dev.forum.contract.ReservedUsernames;
import dev.forum.contract.Role;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/** Accounts and sessions: register, login, logout, and resolving a token to its caller. */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRED)
public class AuthService {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ForumConfig config;
    private final OutboxWriter outbox;
    private final EventMapper events;
    private final SessionCache sessions;
    private final RateLimits rateLimits;
    /** Compared against when the username is unknown, so that a miss costs as much as a hit. */
    private final String dummyHash;

    public AuthService(ForumConfig config, OutboxWriter outbox, EventMapper events, SessionCache sessions,
                       RateLimits rateLimits) {
        this.config = config;
        this.outbox = outbox;
        this.events = events;
        this.sessions = sessions;
        this.rateLimits = rateLimits;
        this.dummyHash = BcryptUtil.bcryptHash("not-a-password", config.auth().bcryptCost());
    }

    /**
     * Self-service registration of a member: throttled per client address (429), reserved names (mention keywords,
     * staff-like names) refused with 409 {@code username_reserved}.
     */
    public User registerMember(String username, String password, String displayName, String clientAddress) {
        rateLimits.acquireRegister(clientAddress);
        if (ReservedUsernames.isReserved(username)) {
            throw ApiException.conflict("username_reserved", "This username is reserved", "username");
        }
        return registerUser(username, password, displayName, Role.MEMBER, 0);
    }

    public User registerUser(String username, String password, String displayName, Role role, int tierCents) {
        if (User.findByUsername(username).isPresent()) {
            throw ApiException.conflict("username_taken", "Username is already taken", "username");
        }
        User user = new User();
        user.username = username;
        user.displayName = displayName == null || displayName.isBlank() ? username : displayName.strip();
        user.passwordHash = BcryptUtil.bcryptHash(password, config.auth().bcryptCost());
        user.role = role.wireName();
        user.tierCents = tierCents;
        user.persistAndFlush();
        outbox.write(events.userRegistered(user));
        return user;
    }

    /**
     * A new session for valid credentials, or empty. Attempts are throttled per username and per client address
     * before the password is checked (429); a suspended account's correct password gets 403
     * {@code account_suspended}.
     */
    public Optional<NewSession> login(String username, String password, String clientAddress) {
        rateLimits.acquireLogin(username, clientAddress);
        Optional<User> user = User.findByUsername(username);
        if (user.isEmpty()) {
            BcryptUtil.matches(password, dummyHash);
            return Optional.empty();
        }
        if (!BcryptUtil.matches(password, user.get().passwordHash)) {
            return Optional.empty();
        }
        if (user.get().isSuspended()) {
            throw new ApiException(403, "account_suspended", "This account is suspended", null, null);
        }
        return Optional.of(new NewSession(openSession(user.get()), user.get()));
    }

    /** A new session of this user, without credentials (callers check them); returns its token. */
    public String openSession(User user) {
        String token = newToken();
        UserSession session = new UserSession();
        session.user = user;
        session.tokenHash = SessionCredential.hash(token);
        session.createdAt = Times.now();
        session.expiresAt = session.createdAt.plus(config.auth().sessionTtl());
        session.persist();
        return token;
    }

    /**
     * Revokes the session everywhere; gateways learn it from {@code session_revoked}, and writing that event evicts
     * the user's cached sessions on every replica ({@link SessionCache}).
     */
    public void logout(Caller caller) {
        UserSession session = UserSession.findById(caller.sessionId());
        if (session != null && session.revokedAt == null) {
            session.revokedAt = Times.now();
            outbox.write(events.sessionRevoked(caller.id(), session.id));
        }
    }

    /** The caller of a live session; served from {@link SessionCache} when it can be. */
    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<Caller> resolveToken(String token) {
        Instant now = Times.now();
        String tokenHash = SessionCredential.hash(token);
        return sessions.resolve(tokenHash, now, () -> UserSession.findActiveByTokenHash(tokenHash, now)
                .filter(s -> !s.user.isSuspended())
                .map(s -> new SessionCache.CachedSession(
                        new Caller(s.id, s.user.toCurrentUser(), s.expiresAt), s.expiresAt)));
    }

    /** Deletes sessions that expired or were revoked more than a day ago. */
    @Scheduled(every = "1h", delayed = "60s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void purgeEndedSessions() {
        Instant cutoff = Times.now().minus(Duration.ofDays(1));
        long deleted = UserSession.delete("expiresAt < ?1 or revokedAt < ?1", cutoff);
        if (deleted > 0) {
            Log.infof("Purged %d ended sessions", deleted);
        }
    }

    public record NewSession(String token, User user) {
    }

    /** A new session token: 256 random bits, URL-safe. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
