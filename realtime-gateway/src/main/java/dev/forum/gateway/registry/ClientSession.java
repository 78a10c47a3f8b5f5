package dev.forum.gateway.registry;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.ThreadAccess;
import dev.forum.gateway.endpoint.DisconnectCode;
import dev.forum.gateway.internal.TokenBucket;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** One open WebSocket: who it is, what it subscribed to, and its single outbound writer. */
public final class ClientSession {

    private static final ThreadSubscription[] NONE = new ThreadSubscription[0];

    private final String id;
    private final EndpointKind endpoint;
    private final String token;
    private final OutboundWriter writer;
    private final TokenBucket inboundLimit;
    /**
     * Copy-on-write, replaced under this session's lock: a connection has a few subscriptions, so a scan
     * of a small array beats a map on the delivery path, and an idle connection holds no table.
     */
    private volatile ThreadSubscription[] subscriptions = NONE;
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
        for (ThreadSubscription subscription : subscriptions) {
            if (subscription.threadId() == threadId) {
                return subscription;
            }
        }
        return null;
    }

    /**
     * Reserves room for one subscription while its access is looked up (asynchronously): false when the
     * subscriptions plus the pending ones already reach {@code max}, so a burst cannot pass the cap.
     * Every reservation is released with {@link #releaseSubscription()} once the lookup answered.
     */
    public boolean reserveSubscription(int max) {
        while (true) {
            int pending = pendingSubscriptions.get();
            if (subscriptions.length + pending >= max) {
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
        return subscriptions.length;
    }

    /** A snapshot: later changes do not show in it. */
    public List<ThreadSubscription> subscriptions() {
        return Collections.unmodifiableList(Arrays.asList(subscriptions));
    }

    synchronized ThreadSubscription putSubscription(ThreadSubscription subscription) {
        ThreadSubscription existing = subscription(subscription.threadId());
        if (existing != null) {
            return existing;
        }
        ThreadSubscription[] current = subscriptions;
        ThreadSubscription[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = subscription;
        subscriptions = next;
        return subscription;
    }

    synchronized ThreadSubscription removeSubscription(long threadId) {
        ThreadSubscription removed = subscription(threadId);
        if (removed != null) {
            ThreadSubscription[] current = subscriptions;
            ThreadSubscription[] next = new ThreadSubscription[current.length - 1];
            int i = 0;
            for (ThreadSubscription subscription : current) {
                if (subscription != removed) {
                    next[i++] = subscription;
                }
            }
            subscriptions = next;
        }
        return removed;
    }
}
