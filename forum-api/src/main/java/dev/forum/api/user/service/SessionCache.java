package dev.forum.api.user.service;

import dev.forum.api.auth.Caller;
import dev.forum.api.config.ForumConfig;
import dev.forum.common.tx.AfterCommit;
import dev.forum.contract.EventType;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Resolved sessions by token hash, for {@code forum.auth.session-cache-ttl}, so that an authenticated request does
 * not read {@code user_session} and {@code forum_user} every time.
 *
 * <h2>Revocation stays exact</h2>
 * {@link #evictUser(long)} is THE one call for any change to a user's sessions or to what a {@link Caller} carries
 * (logout, role or tier change, suspension, "end all sessions"): call it inside the transaction that makes the
 * change. It queues {@code NOTIFY forum_session} with the user id, which PostgreSQL delivers to every replica's
 * listener only when that transaction commits, and evicts this replica's entries right after the commit (so the
 * caller's next request, on any replica, reads the database again). {@link dev.forum.api.outbox.service.OutboxWriter}
 * calls it for every event type in {@link #SESSION_EVENTS}, so a change that announces itself with one of those
 * events needs nothing more.
 *
 * <p>A lookup that started before an eviction does not store its (possibly stale) result: every eviction bumps
 * {@link #epoch}, and a result is cached only if the epoch did not move while it was read. While the listener
 * connection is down, nothing is served from or stored in the cache (a NOTIFY could have been missed), and the
 * cache is cleared when it is back.
 */
@ApplicationScoped
public class SessionCache {

    public static final String NOTIFY_CHANNEL = "forum_session";
    /** Event types whose writing evicts the user's cached sessions (see {@link #evictUser}). */
    public static final Set<EventType> SESSION_EVENTS = Set.of(EventType.SESSION_REVOKED, EventType.USER_UPDATED);

    private static final int MAX_ENTRIES = 100_000;
    private static final int LISTEN_WAIT_MILLIS = 1000;
    private static final long RECONNECT_MILLIS = 1000;

    private record Entry(Caller caller, Instant sessionExpiresAt, long cachedUntilMillis) {
    }

    private record Synthetic(String tokenHash, Caller caller) {
    }

    private final ConcurrentHashMap<String, Entry> byTokenHash = new ConcurrentHashMap<>();
    private final AtomicLong epoch = new AtomicLong();
    private final long ttlMillis;
    private final TransactionSynchronizationRegistry transactions;
    private final EntityManager em;
    private final String jdbcUrl;
    private final String jdbcUser;
    private final Optional<String> jdbcPassword;
    private volatile boolean listening;
    /** The start-up warm-up's session, which has no row (see {@link #holdSynthetic}); null otherwise. */
    private volatile Synthetic synthetic;
    private volatile boolean running;
    private Thread loop;

    public SessionCache(ForumConfig config, TransactionSynchronizationRegistry transactions, EntityManager em,
                        @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
                        @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
                        @ConfigProperty(name = "quarkus.datasource.password") Optional<String> jdbcPassword) {
        this.ttlMillis = config.auth().sessionCacheTtl().toMillis();
        this.transactions = transactions;
        this.em = em;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
    }

    void onStart(@Observes StartupEvent event) {
        if (ttlMillis <= 0) {
            return;
        }
        running = true;
        loop = new Thread(this::listenLoop, "session-cache-listener");
        loop.setDaemon(true);
        loop.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        if (loop != null) {
            loop.interrupt();
        }
    }

    /** Whether the cache is in use (its listener is connected). */
    boolean isListening() {
        return listening;
    }

    /** The cached caller of this token hash, or the one {@code load} finds (cached when nothing was evicted meanwhile). */
    Optional<Caller> resolve(String tokenHash, Instant now, Supplier<Optional<CachedSession>> load) {
        Synthetic held = synthetic;
        if (held != null && held.tokenHash().equals(tokenHash)) {
            return Optional.of(held.caller());
        }
        if (!listening) {
            return load.get().map(CachedSession::caller);
        }
        Entry entry = byTokenHash.get(tokenHash);
        long nowMillis = now.toEpochMilli();
        if (entry != null && entry.cachedUntilMillis() > nowMillis && entry.sessionExpiresAt().isAfter(now)) {
            return Optional.of(entry.caller());
        }
        long seen = epoch.get();
        Optional<CachedSession> loaded = load.get();
        if (loaded.isEmpty()) {
            byTokenHash.remove(tokenHash);
            return Optional.empty();
        }
        if (byTokenHash.size() >= MAX_ENTRIES) {
            byTokenHash.clear();
        }
        byTokenHash.put(tokenHash, new Entry(loaded.get().caller(), loaded.get().expiresAt(), nowMillis + ttlMillis));
        if (epoch.get() != seen || !listening) {
            byTokenHash.remove(tokenHash);
        }
        return loaded.map(CachedSession::caller);
    }

    /**
     * Resolves this token hash to this caller, in this replica's memory only, until the returned handle is closed: the
     * session of the start-up warm-up's requests to its own HTTP port
     * ({@link dev.forum.api.warmup.service.WarmUpHttp}), which must authenticate without a {@code user_session} row.
     * The token is random and known to that one process, so no request from outside can present it.
     */
    public AutoCloseable holdSynthetic(String tokenHash, Caller caller) {
        Synthetic held = new Synthetic(tokenHash, caller);
        synthetic = held;
        return () -> {
            if (synthetic == held) {
                synthetic = null;
            }
        };
    }

    /**
     * Forgets every cached session of this user on every replica once the current transaction commits. Call it in
     * the transaction of any change to the user's sessions or to their role, tier or standing.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void evictUser(long userId) {
        em.createNativeQuery("SELECT pg_notify(?1, ?2)")
                .setParameter(1, NOTIFY_CHANNEL).setParameter(2, Long.toString(userId)).getSingleResult();
        evictLocally(userId);
        AfterCommit.run(transactions, () -> evictLocally(userId));
    }

    private void evictLocally(long userId) {
        epoch.incrementAndGet();
        byTokenHash.values().removeIf(e -> e.caller().id() == userId);
    }

    private void evictAll() {
        epoch.incrementAndGet();
        byTokenHash.clear();
    }

    private void listenLoop() {
        while (running) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword.orElse(""))) {
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + NOTIFY_CHANNEL);
                }
                evictAll();
                listening = true;
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(LISTEN_WAIT_MILLIS);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            evictLocally(Long.parseLong(n.getParameter()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    Log.warnf("Session cache listener lost its connection; not caching until it is back: %s",
                            e.getMessage());
                }
            } finally {
                listening = false;
                evictAll();
            }
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(RECONNECT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** What a session lookup found: the caller and when the session expires. */
    record CachedSession(Caller caller, Instant expiresAt) {
    }
}
