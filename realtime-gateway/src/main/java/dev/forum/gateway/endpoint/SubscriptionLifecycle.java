package dev.forum.gateway.endpoint;

import dev.forum.contract.CurrentUser;
import dev.forum.contract.ThreadAccess;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.ThreadSubscription;
import dev.forum.gateway.replay.EventSequencer;
import dev.forum.gateway.replay.ReplayService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.UUID;

/**
 * A connection's subscriptions from start to end: subscribe (cap, access check with forum-api, then registered, which
 * makes this gateway listen to the thread's shard if nobody here did, and once the shard's stream has its starting
 * position: {@code subscribed}, or with {@code last_event_id} the resume by {@link ReplayService}), unsubscribe, and
 * dropping them all when the connection closes.
 */
@ApplicationScoped
public class SubscriptionLifecycle {

    private final SubscriptionRegistry registry;
    private final ServerFrames frames;
    private final ForumApi forumApi;
    private final ReplayService replay;
    private final EventSequencer sequencer;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    public SubscriptionLifecycle(SubscriptionRegistry registry, ServerFrames frames, ForumApi forumApi,
            ReplayService replay, EventSequencer sequencer, GatewayMetrics metrics, GatewayConfig config) {
        this.registry = registry;
        this.frames = frames;
        this.forumApi = forumApi;
        this.replay = replay;
        this.sequencer = sequencer;
        this.metrics = metrics;
        this.config = config;
    }

    Uni<Void> subscribe(ClientSession session, InboundFrame frame) {
        long threadId = frame.threadId();
        if (session.endpoint() != EndpointKind.V2) {
            session.send(frames.error(GatewayError.UNSUPPORTED_ON_ENDPOINT,
                    "subscribe is only available on /api/forum/ws/v2", "subscribe"));
            return Uni.createFrom().voidItem();
        }
        if (session.subscription(threadId) != null) {
            session.send(frames.subscribed(threadId, 0));
            return Uni.createFrom().voidItem();
        }
        if (!session.reserveSubscription(config.subscriptions().max())) {
            session.send(frames.error(GatewayError.TOO_MANY_SUBSCRIPTIONS,
                    "at most " + config.subscriptions().max() + " subscriptions per connection", "subscribe"));
            return Uni.createFrom().voidItem();
        }
        return forumApi.findThreadAccess(threadId).onItemOrFailure().transformToUni((access, failure) -> {
            Optional<GatewayError> refused = failure != null ? Optional.of(GatewayError.UPSTREAM_UNAVAILABLE)
                    : refusal(access, session.user());
            if (refused.isPresent()) {
                session.send(frames.error(refused.get(), describe(refused.get()), "subscribe"));
            } else if (!session.writer().isClosed()) {
                start(session, threadId, frame.lastEventId());
            }
            session.releaseSubscription();
            return Uni.createFrom().voidItem();
        });
    }

    /**
     * Access granted: registered (live, or holding live events for a resume), then, once every event of the thread's
     * shard committed from now on will be delivered, {@code subscribed} or the resume after {@code lastEventId}.
     */
    void start(ClientSession session, long threadId, UUID lastEventId) {
        int shard = sequencer.shardOfThread(threadId);
        if (lastEventId == null) {
            ThreadSubscription subscription = registry.subscribe(session, threadId, false);
            sequencer.whenTracked(shard, () -> {
                if (session.subscription(threadId) == subscription) { // not unsubscribed meanwhile
                    session.send(frames.subscribed(threadId, 0));
                }
            });
        } else {
            ThreadSubscription subscription = registry.subscribe(session, threadId, true);
            sequencer.whenTracked(shard, () -> replay.resume(session, subscription, lastEventId));
        }
    }

    Uni<Void> unsubscribe(ClientSession session, InboundFrame frame) {
        if (registry.unsubscribe(session, frame.threadId())) {
            session.send(frames.unsubscribed(frame.threadId()));
        } else {
            session.send(frames.error(GatewayError.NOT_SUBSCRIBED, "not subscribed to this thread", "unsubscribe"));
        }
        return Uni.createFrom().voidItem();
    }

    /** The connection closed (called once): its queue is dropped and its subscriptions end. */
    void closed(ClientSession session) {
        session.writer().discard();
        registry.removeSession(session);
        metrics.connectionClosed(session.endpoint());
    }

    static Optional<GatewayError> refusal(Optional<ThreadAccess> access, CurrentUser user) {
        if (access.isEmpty() || access.get().deleted()) {
            return Optional.of(GatewayError.THREAD_NOT_FOUND);
        }
        if (!access.get().canRead(user.role(), user.tierCents())) {
            return Optional.of(GatewayError.FORBIDDEN_THREAD);
        }
        return Optional.empty();
    }

    static String describe(GatewayError error) {
        return switch (error) {
            case THREAD_NOT_FOUND -> "thread does not exist";
            case FORBIDDEN_THREAD -> "your tier does not allow reading this thread";
            case UPSTREAM_UNAVAILABLE -> "cannot check thread access right now, retry";
            default -> error.code();
        };
    }
}
