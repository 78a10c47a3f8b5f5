package dev.forum.gateway.endpoint;

import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.ClientSession;
import dev.forum.gateway.registry.EndpointKind;
import dev.forum.gateway.registry.SubscriptionRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.ServerWebSocket;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * The one connection core behind the three endpoints ({@link SocketRoutes}), one class per responsibility: opening
 * ({@link Handshake}), client frames ({@link FrameHandler}: {@link SubscriptionLifecycle}, {@link TypingRelay}),
 * closing ({@link SubscriptionLifecycle#closed}), and what goes out unasked ({@link Heartbeats}; events go out through
 * each session's {@link dev.forum.gateway.registry.OutboundWriter}). Non-blocking throughout: the socket's callbacks
 * run on its event loop. A connection's only state is its {@link ClientSession}, captured by its socket's handlers.
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

    /** A socket just upgraded (on its event loop): frames wait until the handshake registered its session. */
    void open(ServerWebSocket socket, EndpointKind kind, UpgradeDecision.Admission admission, Long threadId,
            UUID lastEventId) {
        socket.pause();
        Uni.createFrom().deferred(() -> handshake.open(socket, kind, admission, threadId, lastEventId))
                .subscribe().with(session -> {
                    if (session != null) {
                        socket.textMessageHandler(text -> text(socket, session, text));
                        socket.exceptionHandler(failure -> failed(socket, failure));
                        socket.closeHandler(ignored -> subscriptions.closed(session));
                        socket.resume();
                    }
                }, failure -> {
                    Log.warnf("opening a connection failed: %s", failure.toString());
                    socket.close((short) DisconnectCode.INTERNAL.code(), DisconnectCode.INTERNAL.reason());
                });
    }

    /**
     * One frame at a time per connection: the next one waits (paused socket, then TCP back-pressure) until this
     * one's asynchronous part, such as a subscribe's access check, is done, so frames take effect in their order.
     */
    private void text(ServerWebSocket socket, ClientSession session, String text) {
        socket.pause();
        Uni.createFrom().deferred(() -> frames.text(session, text)).subscribe().with(
                ignored -> socket.resume(),
                failure -> {
                    Log.debugf("connection %s: %s", session.id(), failure.toString());
                    socket.resume();
                });
    }

    /**
     * A failure on the connection. A message over {@code gateway.websocket.max-message-size} is reported by Vert.x
     * as an IllegalStateException and dropped: we close with 1009. Anything else is logged and the connection kept.
     */
    private void failed(ServerWebSocket socket, Throwable failure) {
        if (failure instanceof IllegalStateException && String.valueOf(failure.getMessage()).contains("max message size")) {
            metrics.drop("message_too_big");
            socket.close((short) DisconnectCode.MESSAGE_TOO_BIG.code(), DisconnectCode.MESSAGE_TOO_BIG.reason());
            return;
        }
        Log.debugf("connection failure: %s", failure.toString());
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
