package dev.forum.gateway.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.Role;
import dev.forum.contract.payload.EventPayload;
import dev.forum.contract.payload.SessionRevoked;
import dev.forum.contract.payload.ThreadUpdated;
import dev.forum.contract.payload.UserTyping;
import dev.forum.contract.payload.UserUpdated;
import dev.forum.contract.payload.UserView;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.endpoint.DisconnectCode;
import dev.forum.gateway.metrics.GatewayMetrics;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.LongPredicate;

/**
 * Routes one event to the local connections that may have it, by audience (thread, readers, user,
 * all; never internal), checking each recipient's tier against the envelope's {@code min_tier_cents}.
 * The frame is serialised once, lazily, and the same bytes go to every recipient. Also applies the
 * access consequences of thread_updated / thread_deleted and the internal session events. Payloads
 * are passed through as they came; only those four types and user_typing (whose author is skipped)
 * are read, into their records, once per event.
 */
@ApplicationScoped
public class Hub {

    private final SubscriptionRegistry registry;
    private final ServerFrames frames;
    private final ForumApi forumApi;
    private final GatewayMetrics metrics;
    private final ObjectMapper json;

    public Hub(SubscriptionRegistry registry, ServerFrames frames, ForumApi forumApi, GatewayMetrics metrics,
            ObjectMapper json) {
        this.registry = registry;
        this.frames = frames;
        this.forumApi = forumApi;
        this.metrics = metrics;
        this.json = json;
    }

    /** Delivers one event. Called in seq order for outbox events. Never blocks. */
    public void route(EventEnvelope envelope) {
        if (envelope.audience() == null || envelope.type() == null) {
            metrics.drop("invalid_envelope");
            return;
        }
        switch (envelope.audience()) {
            case INTERNAL -> handleInternal(envelope);
            case THREAD -> routeToThread(envelope);
            case READERS -> routeToAll(envelope, true);
            case ALL -> routeToAll(envelope, false);
            case USER -> routeToUser(envelope);
        }
    }

    /** Stops a connection's subscription and tells the client why. */
    public void revoke(ClientSession session, long threadId, String reason) {
        if (registry.unsubscribe(session, threadId)) {
            session.send(frames.subscriptionRevoked(threadId, reason));
        }
    }

    /**
     * Some outbox events of these threads were lost for good (a seq gap the feed could not fill, a new shard
     * epoch): tells each local subscription of them {@code resync_required} so each client reloads its thread over
     * HTTP. A subscription still replaying gets the frame after its replay, in order.
     */
    public void resyncThreads(LongPredicate threads) {
        for (ClientSession session : registry.allSessions()) {
            for (ThreadSubscription subscription : session.subscriptions()) {
                if (threads.test(subscription.threadId())) {
                    subscription.resync(frames.resyncRequired(subscription.threadId()));
                    metrics.resyncRequired();
                }
            }
        }
    }

    private void routeToThread(EventEnvelope envelope) {
        Long threadId = envelope.threadId();
        if (threadId == null) {
            metrics.drop("invalid_envelope");
            return;
        }
        UserTyping typing = envelope.type() == EventType.USER_TYPING ? payload(envelope, UserTyping.class) : null;
        Long typist = typing == null ? null : typing.userId();
        OutboundFrame frame = null;
        for (ClientSession session : registry.threadSubscribers(threadId)) {
            if (typist != null && typist == session.user().id()) {
                continue;
            }
            ThreadSubscription subscription = session.subscription(threadId);
            if (subscription == null || !session.mayReadTier(envelope.minTierCents())) {
                continue;
            }
            if (frame == null) {
                frame = frames.event(envelope);
            }
            subscription.deliverLive(frame, envelope.seq());
        }
        if (envelope.type() == EventType.THREAD_UPDATED) {
            forumApi.invalidateThreadAccess(threadId);
            Integer newTier = newTier(envelope);
            for (ClientSession session : registry.threadSubscribers(threadId)) {
                if (!session.mayReadTier(newTier)) {
                    revoke(session, threadId, "access_lost");
                }
            }
        } else if (envelope.type() == EventType.THREAD_DELETED) {
            forumApi.invalidateThreadAccess(threadId);
            for (ClientSession session : registry.threadSubscribers(threadId)) {
                revoke(session, threadId, "thread_deleted");
            }
        }
    }

    private void routeToAll(EventEnvelope envelope, boolean checkTier) {
        OutboundFrame frame = null;
        for (ClientSession session : registry.allSessions()) {
            if (checkTier && !session.mayReadTier(envelope.minTierCents())) {
                continue;
            }
            if (frame == null) {
                frame = frames.event(envelope);
            }
            session.send(frame);
        }
    }

    private void routeToUser(EventEnvelope envelope) {
        if (envelope.userId() == null) {
            metrics.drop("invalid_envelope");
            return;
        }
        OutboundFrame frame = null;
        for (ClientSession session : registry.userSessions(envelope.userId())) {
            if (envelope.threadId() != null && envelope.minTierCents() != null
                    && !session.mayReadTier(envelope.minTierCents())) {
                continue;
            }
            if (frame == null) {
                frame = frames.event(envelope);
            }
            session.send(frame);
        }
    }

    private void handleInternal(EventEnvelope envelope) {
        if (envelope.type() == EventType.SESSION_REVOKED) {
            SessionRevoked revoked = payload(envelope, SessionRevoked.class);
            if (revoked != null && revoked.allSessions()) {
                closeAllSessions(revoked.userId());
            } else if (revoked != null) {
                revalidateSessions(revoked.userId());
            }
        } else if (envelope.type() == EventType.USER_UPDATED) {
            UserUpdated updated = payload(envelope, UserUpdated.class);
            if (updated != null && updated.user() != null) {
                updateUser(updated.user());
            }
        }
    }

    /** An admin suspended the user or ended all their sessions: every socket of the user closes, no lookup needed. */
    private void closeAllSessions(long userId) {
        for (ClientSession session : registry.userSessions(userId)) {
            Log.debugf("closing connection %s: all sessions of user %d ended", session.id(), userId);
            session.close(DisconnectCode.SESSION_REVOKED);
        }
    }

    /**
     * A session of this user was logged out: close the sockets whose token forum-api no longer accepts.
     * If forum-api cannot be asked, the socket is closed anyway with a reconnectable code (fail closed):
     * the client's reconnect authenticates again.
     */
    private void revalidateSessions(long userId) {
        for (ClientSession session : registry.userSessions(userId)) {
            forumApi.resolveSession(session.token()).subscribe().with(
                    user -> {
                        if (user.isEmpty()) {
                            Log.debugf("closing connection %s: session revoked", session.id());
                            session.close(DisconnectCode.SESSION_REVOKED);
                        }
                    },
                    failure -> {
                        Log.warnf("could not re-validate session of connection %s, closing it: %s", session.id(),
                                failure.getMessage());
                        session.close(DisconnectCode.SESSION_UNVERIFIED);
                    });
        }
    }

    private void updateUser(UserView user) {
        for (ClientSession session : registry.userSessions(user.id())) {
            CurrentUser old = session.user();
            Role role = user.role() != null ? user.role() : old.role();
            int tier = user.tierCents();
            session.updateUser(new CurrentUser(old.id(), old.username(), old.displayName(), role, tier));
            for (ThreadSubscription subscription : session.subscriptions()) {
                forumApi.findThreadAccess(subscription.threadId()).subscribe().with(access -> {
                    if (access.isPresent() && !access.get().canRead(role, tier)) {
                        revoke(session, subscription.threadId(), "access_lost");
                    }
                }, failure -> Log.debugf("access re-check failed: %s", failure.getMessage()));
            }
        }
    }

    private Integer newTier(EventEnvelope envelope) {
        ThreadUpdated updated = payload(envelope, ThreadUpdated.class);
        if (updated != null && updated.updates() != null && updated.updates().minTierCents() != null) {
            return updated.updates().minTierCents();
        }
        return envelope.minTierCents();
    }

    /** The payload as its record, or null (logged) if it does not read: the event is then routed as it is. */
    private <P extends EventPayload> P payload(EventEnvelope envelope, Class<P> as) {
        try {
            return EventPayloads.read(json, envelope, as);
        } catch (IllegalArgumentException e) {
            Log.debugf("unreadable payload of %s event %s: %s", envelope.type(), envelope.eventId(), e.getMessage());
            return null;
        }
    }
}
