package dev.forum.gateway.registry;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.ThreadAccess;
import dev.forum.gateway.endpoint.DisconnectCode;
import dev.forum.gateway.internal.TokenBucket;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One open WebSocket: who it is, what it subscribed to, and its single outbound writer. */
public final class ClientSession {

    private final String id;
    private final EndpointKind endpoint;
    private final String token;
    private final OutboundWriter writer;
    private final TokenBucket inboundLimit;
    private final Map<Long, ThreadSubscription> subscriptions = new ConcurrentHashMap<>();
    /** Subscribes whose access lookup has not answered yet: they count against the cap. */
    private final AtomicInteger pendingSubscriptions = new AtomicInteger();
    private volatile CurrentUser user;
    private volatile Instant expiresAt;

    public ClientSession(String id, EndpointKind endpoint, CurrentUser user, String token, OutboundWriter writer,
            TokenBucket inboundLimit) {
        this.id = id;
        this.endpoint = endpoint;
        this.user = user;
        this.token = token;
        this.writer = writer;
        this.inboundLimit = inboundLimit;
    }

    public String id() {
        return id;
    }

    public EndpointKind endpoint() {
        return endpoint;
    }

    public CurrentUser user() {
        return user;
    }

    /** The user's role or tier changed (user_updated): later events are filtered with the new values. */
    public void updateUser(CurrentUser updated) {
        this.user = updated;
    }

    /** The session token the socket was opened with (re-validated on session_revoked). */
    public String token() {
        return token;
    }

    /** When the session this socket authenticated with expires (null: unknown, never closed for it). */
    public void expiresAt(Instant sessionExpiresAt) {
        this.expiresAt = sessionExpiresAt;
    }

    public boolean isExpiredAt(Instant now) {
        Instant expiry = expiresAt;
        return expiry != null && !now.isBefore(expiry);
    }

    public OutboundWriter writer() {
        return writer;
    }

    public TokenBucket inboundLimit() {
        return inboundLimit;
    }

    /** Whether this user may read a thread of the given tier (the envelope's min_tier_cents). */
    public boolean mayReadTier(Integer minTierCents) {
        CurrentUser current = user;
        return ThreadAccess.readableAtTier(minTierCents == null ? 0 : minTierCents, current.role(),
                current.tierCents());
    }

    public boolean send(OutboundFrame frame) {
        return writer.enqueue(frame);
    }

    public void close(DisconnectCode code) {
        writer.close(code);
    }

    public ThreadSubscription subscription(long threadId) {
        return subscriptions.get(threadId);
    }

    /**
     * Reserves room for one subscription while its access is looked up (asynchronously): false when the
     * subscriptions plus the pending ones already reach {@code max}, so a burst cannot pass the cap.
     * Every reservation is released with {@link #releaseSubscription()} once the lookup answered.
     */
    public boolean reserveSubscription(int max) {
        while (true) {
            int pending = pendingSubscriptions.get();
            if (subscriptions.size() + pending >= max) {
                return false;
            }
            if (pendingSubscriptions.compareAndSet(pending, pending + 1)) {
                return true;
            }
        }
    }

    public void releaseSubscription() {
        pendingSubscriptions.decrementAndGet();
    }

    public int subscriptionCount() {
        return subscriptions.size();
    }

    public Collection<ThreadSubscription> subscriptions() {
        return subscriptions.values();
    }

    ThreadSubscription putSubscription(ThreadSubscription subscription) {
        ThreadSubscription previous = subscriptions.putIfAbsent(subscription.threadId(), subscription);
        return previous == null ? subscription : previous;
    }

    ThreadSubscription removeSubscription(long threadId) {
        return subscriptions.remove(threadId);
    }
}
