package dev.forum.gateway.client;

import dev.forum.common.auth.ResolvedSession;
import dev.forum.common.auth.SessionCredential;
import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import dev.forum.contract.ThreadAccess;
import dev.forum.gateway.config.GatewayConfig;
import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The gateway's calls to forum-api, non-blocking. "Not found" and "not authenticated" are values
 * ({@code Optional.empty()}); anything else that fails becomes {@link UpstreamUnavailableException}.
 * Thread access answers are cached for {@code gateway.access.cache-ttl} and invalidated by
 * thread_updated / thread_deleted.
 */
@ApplicationScoped
public class ForumApi {

    private record CachedAccess(Optional<ThreadAccess> access, long expiresAtNanos) {
    }

    private static final Predicate<Throwable> IS_404 = status(404);
    private static final int MAX_REFUSED_TOKENS = 10_000;

    private final ForumApiClient client;
    private final SessionLookup sessions;
    private final String internalToken;
    private final Duration timeout;
    private final long accessTtlNanos;
    private final ConcurrentHashMap<Long, CachedAccess> accessCache = new ConcurrentHashMap<>();
    /** Hashes of tokens forum-api refused, until when (nanos): a refused token is never valid again. */
    private final ConcurrentHashMap<String, Long> refusedTokens = new ConcurrentHashMap<>();
    private final long refusedTtlNanos;

    @Inject
    public ForumApi(GatewayConfig config) {
        this(config, QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(config.forumApi().url()))
                .connectTimeout(config.forumApi().timeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(config.forumApi().timeout().toMillis(), TimeUnit.MILLISECONDS)
                .build(ForumApiClient.class), SessionLookup.connect(config.forumApi().url(), config.forumApi().timeout()));
    }

    /** With given clients (tests: a forum-api stand-in that counts calls or holds answers back). */
    public ForumApi(GatewayConfig config, ForumApiClient client, SessionLookup sessions) {
        this.timeout = config.forumApi().timeout();
        this.client = client;
        this.sessions = sessions;
        this.internalToken = config.forumApi().internalToken();
        this.accessTtlNanos = config.access().cacheTtl().toNanos();
        this.refusedTtlNanos = config.auth().negativeCacheTtl().toNanos();
    }

    /**
     * The user behind a session token, or empty if forum-api does not recognise it (forged, expired, logged out);
     * {@link dev.forum.common.auth.AuthUnavailableException} if forum-api cannot tell.
     */
    public Uni<Optional<ResolvedSession>> resolveSession(String token) {
        String key = SessionCredential.hash(token);
        Long refusedUntil = refusedTokens.get(key);
        if (refusedUntil != null && refusedUntil - System.nanoTime() > 0) {
            return Uni.createFrom().item(Optional.empty());
        }
        return sessions.resolve(token).invoke(session -> {
            if (session.isEmpty()) {
                rememberRefused(key);
            }
        });
    }

    private void rememberRefused(String token) {
        long now = System.nanoTime();
        if (refusedTokens.size() >= MAX_REFUSED_TOKENS) {
            refusedTokens.values().removeIf(until -> until - now <= 0);
            if (refusedTokens.size() >= MAX_REFUSED_TOKENS) {
                return;
            }
        }
        refusedTokens.put(token, now + refusedTtlNanos);
    }

    public Uni<Optional<ThreadAccess>> findThreadAccess(long threadId) {
        CachedAccess cached = accessCache.get(threadId);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return Uni.createFrom().item(cached.access());
        }
        return client.threadAccess(threadId, internalToken)
                .map(Optional::of)
                .onFailure(IS_404).recoverWithItem(Optional.empty())
                .onFailure(IS_404.negate()).transform(e -> unavailable("threads/" + threadId, e))
                .invoke(access -> accessCache.put(threadId, new CachedAccess(access, System.nanoTime() + accessTtlNanos)));
    }

    public void invalidateThreadAccess(long threadId) {
        accessCache.remove(threadId);
    }

    public Uni<Optional<EventEnvelope>> findEventById(UUID eventId) {
        return client.event(eventId.toString(), internalToken)
                .map(Optional::of)
                .onFailure(IS_404).recoverWithItem(Optional.empty())
                .onFailure(IS_404.negate()).transform(e -> unavailable("events/" + eventId, e));
    }

    /**
     * Events of one shard's stream in {@code shardEpoch} with seq above {@code afterSeq} (optionally of one thread),
     * oldest first; a page with {@code resync_required} if they are no longer kept or the epoch is not the current one.
     */
    public Uni<EventPage> findEventsAfter(int shard, int shardEpoch, long afterSeq, Long threadId, int limit) {
        return client.events(shard, shardEpoch, afterSeq, threadId, limit, internalToken)
                .onFailure().transform(e -> unavailable("events?shard=" + shard + "&after_seq=" + afterSeq, e));
    }

    /** Events of several shards' streams after the given positions: one page per shard, with its head. */
    public Uni<EventPositionPages> findEventsAt(EventPositions positions) {
        return client.positions(positions, internalToken)
                .onFailure().transform(e -> unavailable("events/positions", e));
    }

    /** For callers on worker threads (the sequencer, replays). */
    public Duration timeout() {
        return timeout.plusSeconds(1);
    }

    private static Predicate<Throwable> status(int code) {
        return failure -> failure instanceof WebApplicationException wae && wae.getResponse() != null
                && wae.getResponse().getStatus() == code;
    }

    private static Throwable unavailable(String what, Throwable cause) {
        if (cause instanceof UpstreamUnavailableException) {
            return cause;
        }
        Log.debugf("forum-api %s failed: %s", what, cause.toString());
        return new UpstreamUnavailableException("forum-api " + what + " failed: " + cause.getMessage(), cause);
    }
}
