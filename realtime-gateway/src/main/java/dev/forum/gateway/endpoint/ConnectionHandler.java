package dev.forum.gateway.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Audience;
import dev.forum.contract.Channels;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPayloads;
import dev.forum.contract.EventType;
import dev.forum.contract.payload.UserTyping;
import dev.forum.contract.ThreadAccess;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.TokenBucket;
import dev.forum.gateway.internal.TypingThrottle;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.redis.Broker;
import dev.forum.gateway.redis.EventSource;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.OutboundWriter;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import dev.forum.gateway.registry.ThreadSubscription;
import dev.forum.gateway.replay.EventSequencer;
import dev.forum.gateway.replay.ReplayService;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The one delivery core behind the three endpoints: opening (session, user index, auto-subscription
 * of the legacy thread endpoint), client frames (subscribe with resume, unsubscribe, typing, ping),
 * closing, heartbeats. Non-blocking throughout: callbacks run on the event loop.
 */
@ApplicationScoped
public class ConnectionHandler {

    private final SubscriptionRegistry registry;
    private final ServerFrames frames;
    private final FrameParser parser;
    private final ForumApi forumApi;
    private final ReplayService replay;
    private final EventSequencer sequencer;
    private final Broker broker;
    private final Channels channels;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final TypingThrottle typingThrottle;

    public ConnectionHandler(SubscriptionRegistry registry, ServerFrames frames, FrameParser parser,
            ForumApi forumApi, ReplayService replay, EventSequencer sequencer, Broker broker, Channels channels,
            GatewayMetrics metrics, GatewayConfig config, ObjectMapper mapper) {
        this.registry = registry;
        this.frames = frames;
        this.parser = parser;
        this.forumApi = forumApi;
        this.replay = replay;
        this.sequencer = sequencer;
        this.broker = broker;
        this.channels = channels;
        this.metrics = metrics;
        this.config = config;
        this.mapper = mapper;
        this.typingThrottle = new TypingThrottle(config.typing().throttle().toNanos(), System::nanoTime);
    }

    public Uni<Void> open(WebSocketConnection connection, EndpointKind kind) {
        CurrentUser user = connection.userData().get(ConnectionKeys.USER);
        String token = connection.userData().get(ConnectionKeys.TOKEN);
        if (user == null || token == null) {
            return connection.close(new CloseReason(DisconnectCode.SESSION_REVOKED.code(),
                    DisconnectCode.SESSION_REVOKED.reason()));
        }
        if (registry.userSessions(user.id()).length >= config.connections().perUser()) {
            Log.debugf("refusing connection %s: user %d already has %d", connection.id(), user.id(),
                    config.connections().perUser());
            metrics.disconnected(DisconnectCode.TOO_MANY_CONNECTIONS.name().toLowerCase(java.util.Locale.ROOT));
            return connection.close(new CloseReason(DisconnectCode.TOO_MANY_CONNECTIONS.code(),
                    DisconnectCode.TOO_MANY_CONNECTIONS.reason()));
        }
        if (kind != EndpointKind.THREAD) {
            register(connection, kind, user, token, null);
            return Uni.createFrom().voidItem();
        }
        long threadId = ThreadWebSocket.parseThreadId(connection.pathParam(ThreadWebSocket.THREAD_ID));
        return forumApi.findThreadAccess(threadId).onItemOrFailure().transformToUni((access, failure) -> {
            Optional<GatewayError> refused = failure != null ? Optional.of(GatewayError.UPSTREAM_UNAVAILABLE)
                    : refusal(access, user);
            if (refused.isPresent()) {
                DisconnectCode code = failure != null ? DisconnectCode.INTERNAL : DisconnectCode.FORBIDDEN;
                return connection.sendText(frames.error(refused.get(), describe(refused.get()), "connect").text())
                        .onItemOrFailure().transformToUni((ignored, sendFailure) ->
                                connection.close(new CloseReason(code.code(), code.reason())));
            }
            ClientSession session = register(connection, kind, user, token, threadId);
            startSubscription(session, threadId, lastEventIdFromQuery(connection.handshakeRequest().query()));
            return Uni.createFrom().voidItem();
        });
    }

    public Uni<Void> text(WebSocketConnection connection, String text) {
        ClientSession session = connection.userData().get(ConnectionKeys.SESSION);
        if (session == null) {
            return Uni.createFrom().voidItem();
        }
        metrics.inboundFrame();
        TokenBucket limit = session.inboundLimit();
        if (!limit.tryAcquire()) {
            int refusals = limit.consecutiveRefusals();
            if (refusals >= config.rateLimit().closeAfter()) {
                session.close(DisconnectCode.FLOOD);
            } else if (refusals == 1) {
                session.send(frames.error(GatewayError.RATE_LIMITED, "too many messages, slow down", null));
            }
            metrics.drop("inbound_rate_limited");
            return Uni.createFrom().voidItem();
        }
        FrameParser.Result result = parser.parse(text);
        if (result instanceof FrameParser.Rejected rejected) {
            session.send(frames.error(rejected.error(), rejected.message(), rejected.request()));
            return Uni.createFrom().voidItem();
        }
        InboundFrame frame = ((FrameParser.Parsed) result).frame();
        return switch (frame.kind()) {
            case PING, HEARTBEAT -> {
                session.send(frames.pong());
                yield Uni.createFrom().voidItem();
            }
            case SUBSCRIBE -> subscribe(session, frame);
            case UNSUBSCRIBE -> unsubscribe(session, frame);
            case TYPING -> typing(session, frame);
        };
    }

    public Uni<Void> closed(WebSocketConnection connection) {
        ClientSession session = connection.userData().remove(ConnectionKeys.SESSION);
        if (session != null) {
            session.writer().discard();
            registry.removeSession(session);
            metrics.connectionClosed(session.endpoint());
        }
        return Uni.createFrom().voidItem();
    }

    /**
     * A failure on the connection. A message over {@code quarkus.websockets-next.server.max-message-size}
     * is reported by Vert.x as an IllegalStateException and dropped: we close with 1009. Anything else
     * is logged and the connection kept.
     */
    public Uni<Void> failed(WebSocketConnection connection, Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        if (failure instanceof IllegalStateException && message.contains("max message size")) {
            metrics.drop("message_too_big");
            return connection.close(new CloseReason(DisconnectCode.MESSAGE_TOO_BIG.code(),
                    DisconnectCode.MESSAGE_TOO_BIG.reason()));
        }
        Log.debugf("connection %s: %s", connection.id(), failure.toString());
        return Uni.createFrom().voidItem();
    }

    /**
     * Heartbeats after {@code gateway.heartbeat.interval} of outbound silence; sockets whose session has
     * expired are closed with 4501 (a socket must not outlive its session).
     */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void heartbeats() {
        long silence = config.heartbeat().interval().toNanos();
        long now = System.nanoTime();
        Instant wallClock = Instant.now();
        for (ClientSession session : registry.allSessions()) {
            if (session.isExpiredAt(wallClock)) {
                Log.debugf("closing connection %s: its session expired", session.id());
                session.close(DisconnectCode.SESSION_REVOKED);
            } else if (now - session.writer().lastWriteNanos() >= silence) {
                session.send(frames.heartbeat());
            }
        }
        typingThrottle.evictOlderThanInterval();
    }

    /** Closes every connection (graceful shutdown) with the given code. */
    public int closeAll(DisconnectCode code) {
        int closed = 0;
        for (ClientSession session : registry.allSessions()) {
            session.close(code);
            closed++;
        }
        return closed;
    }

    private ClientSession register(WebSocketConnection connection, EndpointKind kind, CurrentUser user, String token,
            Long threadId) {
        OutboundWriter writer = new OutboundWriter(config.queue().maxBytes(), new SocketFrameSink(connection), metrics);
        TokenBucket limit = new TokenBucket(config.rateLimit().perSecond(), config.rateLimit().burst(),
                System::nanoTime);
        ClientSession session = new ClientSession(connection.id(), kind, user, token, writer, limit);
        session.expiresAt(connection.userData().get(ConnectionKeys.EXPIRES_AT));
        connection.userData().put(ConnectionKeys.SESSION, session);
        registry.addSession(session);
        metrics.connectionOpened(kind);
        session.send(frames.connected(connection.id(), user, kind, threadId, config.heartbeat().interval().toSeconds()));
        Log.debugf("connection %s opened on %s by user %d", connection.id(), kind.tag(), user.id());
        return session;
    }

    private Uni<Void> subscribe(ClientSession session, InboundFrame frame) {
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
                startSubscription(session, threadId, frame.lastEventId());
            }
            session.releaseSubscription();
            return Uni.createFrom().voidItem();
        });
    }

    private void startSubscription(ClientSession session, long threadId, UUID lastEventId) {
        if (lastEventId == null) {
            registry.subscribe(session, threadId, false);
            session.send(frames.subscribed(threadId, 0));
        } else {
            ThreadSubscription subscription = registry.subscribe(session, threadId, true);
            replay.resume(session, subscription, lastEventId);
        }
    }

    private Uni<Void> unsubscribe(ClientSession session, InboundFrame frame) {
        if (registry.unsubscribe(session, frame.threadId())) {
            session.send(frames.unsubscribed(frame.threadId()));
        } else {
            session.send(frames.error(GatewayError.NOT_SUBSCRIBED, "not subscribed to this thread", "unsubscribe"));
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> typing(ClientSession session, InboundFrame frame) {
        Long threadId = frame.threadId();
        if (threadId == null && session.endpoint() == EndpointKind.THREAD && session.subscriptionCount() == 1) {
            threadId = session.subscriptions().iterator().next().threadId();
        }
        if (threadId == null) {
            session.send(frames.error(GatewayError.MISSING_FIELD, "field 'thread_id' is required", "typing"));
            return Uni.createFrom().voidItem();
        }
        if (session.subscription(threadId) == null) {
            session.send(frames.error(GatewayError.NOT_SUBSCRIBED, "subscribe to the thread first", "typing"));
            return Uni.createFrom().voidItem();
        }
        CurrentUser user = session.user();
        if (!typingThrottle.allow(user.id(), threadId, frame.isTyping())) {
            metrics.drop("typing_throttled");
            return Uni.createFrom().voidItem();
        }
        long thread = threadId;
        return forumApi.findThreadAccess(thread).onItemOrFailure().transformToUni((access, failure) -> {
            int tier = failure == null && access.isPresent() ? access.get().minTierCents() : Integer.MAX_VALUE;
            publishTyping(user, thread, tier, frame.isTyping());
            return Uni.createFrom().voidItem();
        });
    }

    private void publishTyping(CurrentUser user, long threadId, int minTierCents, boolean isTyping) {
        EventEnvelope envelope = new EventEnvelope(UUID.randomUUID(), null, EventType.USER_TYPING, "thread",
                Long.toString(threadId), Audience.THREAD, threadId, null, minTierCents, Instant.now(),
                EventPayloads.tree(mapper, new UserTyping(user.id(), user.username(), isTyping)));
        if (!broker.isUp()) {
            sequencer.submit(envelope, EventSource.TYPING);
            return;
        }
        try {
            broker.publish(channels.typing(), mapper.writeValueAsString(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<GatewayError> refusal(Optional<ThreadAccess> access, CurrentUser user) {
        if (access.isEmpty() || access.get().deleted()) {
            return Optional.of(GatewayError.THREAD_NOT_FOUND);
        }
        if (!access.get().canRead(user.role(), user.tierCents())) {
            return Optional.of(GatewayError.FORBIDDEN_THREAD);
        }
        return Optional.empty();
    }

    private static String describe(GatewayError error) {
        return switch (error) {
            case THREAD_NOT_FOUND -> "thread does not exist";
            case FORBIDDEN_THREAD -> "your tier does not allow reading this thread";
            case UPSTREAM_UNAVAILABLE -> "cannot check thread access right now, retry";
            default -> error.code();
        };
    }

    static UUID lastEventIdFromQuery(String query) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith("last_event_id=")) {
                try {
                    return UUID.fromString(pair.substring("last_event_id=".length()));
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
