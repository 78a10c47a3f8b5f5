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
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Opening a connection, after {@link SessionUpgradeCheck} authenticated the upgrade: the per-user cap, the session
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
            metrics.disconnected(DisconnectCode.TOO_MANY_CONNECTIONS.name().toLowerCase(Locale.ROOT));
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
                    : SubscriptionLifecycle.refusal(access, user);
            if (refused.isPresent()) {
                DisconnectCode code = failure != null ? DisconnectCode.INTERNAL : DisconnectCode.FORBIDDEN;
                return connection.sendText(frames.error(refused.get(), SubscriptionLifecycle.describe(refused.get()),
                                "connect").text())
                        .onItemOrFailure().transformToUni((ignored, sendFailure) ->
                                connection.close(new CloseReason(code.code(), code.reason())));
            }
            ClientSession session = register(connection, kind, user, token, threadId);
            subscriptions.start(session, threadId, lastEventIdFromQuery(connection.handshakeRequest().query()));
            return Uni.createFrom().voidItem();
        });
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
