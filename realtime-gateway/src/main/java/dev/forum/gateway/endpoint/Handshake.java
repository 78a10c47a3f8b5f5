package dev.forum.gateway.endpoint;

import dev.forum.contract.CurrentUser;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.TokenBucket;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.OutboundWriter;
import dev.forum.gateway.registry.ServerFrames;
import dev.forum.gateway.registry.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ServerWebSocket;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Opening a connection, after {@link SessionUpgradeCheck} admitted the upgrade: the per-user cap, the session
 * with its outbound writer and inbound rate limit, the {@code connected} frame, and on the legacy thread endpoint the
 * access check and automatic subscription (with resume from {@code ?last_event_id=}).
 */
@ApplicationScoped
public class Handshake {

    private final SubscriptionRegistry registry;
    private final ServerFrames frames;
    private final ForumApi forumApi;
    private final SubscriptionLifecycle subscriptions;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;

    public Handshake(SubscriptionRegistry registry, ServerFrames frames, ForumApi forumApi,
            SubscriptionLifecycle subscriptions, GatewayMetrics metrics, GatewayConfig config) {
        this.registry = registry;
        this.frames = frames;
        this.forumApi = forumApi;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * The socket's registered session, emitted on the socket's event loop (so that it is attached before the socket
     * can report its end); null when the socket was closed instead: over the per-user cap (4509), on the thread
     * endpoint a thread the user may not read (an error frame, then 4503; 4002 when forum-api cannot be asked), or
     * the client left during that access check. Called on the socket's event loop.
     */
    Uni<ClientSession> open(ServerWebSocket socket, EndpointKind kind, UpgradeDecision.Admission admission,
            Long threadId, UUID lastEventId) {
        SocketFrameSink sink = new SocketFrameSink(socket);
        CurrentUser user = admission.user();
        if (registry.userSessions(user.id()).length >= config.connections().perUser()) {
            Log.debugf("refusing a connection: user %d already has %d", user.id(), config.connections().perUser());
            metrics.disconnected(DisconnectCode.TOO_MANY_CONNECTIONS.name().toLowerCase(Locale.ROOT));
            close(sink, DisconnectCode.TOO_MANY_CONNECTIONS);
            return Uni.createFrom().nullItem();
        }
        if (kind != EndpointKind.THREAD) {
            return Uni.createFrom().item(register(sink, kind, admission, null));
        }
        return forumApi.findThreadAccess(threadId)
                .onItemOrFailure().transform((access, failure) -> failure != null
                        ? Optional.of(GatewayError.UPSTREAM_UNAVAILABLE) : SubscriptionLifecycle.refusal(access, user))
                .emitOn(sink::execute)
                .map(refused -> {
                    if (socket.isClosed()) {
                        return null;
                    }
                    if (refused.isPresent()) {
                        sink.write(frames.error(refused.get(), SubscriptionLifecycle.describe(refused.get()), "connect")
                                .utf8());
                        close(sink, refused.get() == GatewayError.UPSTREAM_UNAVAILABLE
                                ? DisconnectCode.INTERNAL : DisconnectCode.FORBIDDEN);
                        return null;
                    }
                    ClientSession session = register(sink, kind, admission, threadId);
                    subscriptions.start(session, threadId, lastEventId);
                    return session;
                });
    }

    private ClientSession register(SocketFrameSink sink, EndpointKind kind, UpgradeDecision.Admission admission,
            Long threadId) {
        OutboundWriter writer = new OutboundWriter(config.queue().maxBytes(), sink, metrics);
        TokenBucket limit = new TokenBucket(config.rateLimit().perSecond(), config.rateLimit().burst(),
                System::nanoTime);
        String id = UUID.randomUUID().toString();
        CurrentUser user = admission.user();
        ClientSession session = new ClientSession(id, kind, user, admission.token(), writer, limit);
        session.expiresAt(admission.expiresAt());
        registry.addSession(session);
        metrics.connectionOpened(kind);
        session.send(frames.connected(id, user, kind, threadId, config.heartbeat().interval().toSeconds()));
        Log.debugf("connection %s opened on %s by user %d", id, kind.tag(), user.id());
        return session;
    }

    private static void close(SocketFrameSink sink, DisconnectCode code) {
        sink.close(code.code(), code.reason());
    }
}
