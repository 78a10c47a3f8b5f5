package dev.forum.gateway.endpoint;

import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one connection core behind the three endpoints, one class per responsibility: opening ({@link Handshake}),
 * client frames ({@link FrameHandler}: {@link SubscriptionLifecycle}, {@link TypingRelay}), closing
 * ({@link SubscriptionLifecycle#closed}), and what goes out unasked ({@link Heartbeats}; events go out through each
 * session's {@link dev.forum.gateway.registry.OutboundWriter}). Non-blocking throughout: callbacks run on the event
 * loop.
 */
@ApplicationScoped
public class ConnectionHandler {

    private final Handshake handshake;
    private final FrameHandler frames;
    private final SubscriptionLifecycle subscriptions;
    private final SubscriptionRegistry registry;
    private final GatewayMetrics metrics;

    public ConnectionHandler(Handshake handshake, FrameHandler frames, SubscriptionLifecycle subscriptions,
            SubscriptionRegistry registry, GatewayMetrics metrics) {
        this.handshake = handshake;
        this.frames = frames;
        this.subscriptions = subscriptions;
        this.registry = registry;
        this.metrics = metrics;
    }

    public Uni<Void> open(WebSocketConnection connection, EndpointKind kind) {
        return handshake.open(connection, kind);
    }

    public Uni<Void> text(WebSocketConnection connection, String text) {
        return frames.text(connection, text);
    }

    public Uni<Void> closed(WebSocketConnection connection) {
        return subscriptions.closed(connection);
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

    /** Closes every connection (graceful shutdown) with the given code. */
    public int closeAll(DisconnectCode code) {
        int closed = 0;
        for (ClientSession session : registry.allSessions()) {
            session.close(code);
            closed++;
        }
        return closed;
    }
}
