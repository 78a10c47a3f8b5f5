package dev.forum.gateway.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.common.error.ErrorBody;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.EndpointKind;
import io.netty.channel.ChannelPipeline;
import io.quarkus.logging.Log;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;

/**
 * The three WebSocket paths, served by Vert.x itself on the Quarkus HTTP server: {@link SessionUpgradeCheck} decides
 * before any upgrade (a refusal is an HTTP status with a JSON error), then the request becomes a Vert.x
 * {@link ServerWebSocket} that {@link ConnectionHandler} serves. Plain Vert.x rather than a WebSocket framework because
 * an idle connection is then only Vert.x's socket and our {@link dev.forum.gateway.registry.ClientSession} (issue 9:
 * no connection wrapper, user-data map, inbound queue or callback objects per connection; docs/benchmarks.md).
 */
@ApplicationScoped
public class SocketRoutes {

    private static final String THREAD_ID = "thread_id";
    private static final String SEC_WEBSOCKET_KEY = "Sec-WebSocket-Key";
    /** The name of the HTTP server's idle timer in a connection's Netty pipeline (Vert.x HttpServerWorker). */
    private static final String IDLE_TIMER = "idle";

    private final SessionUpgradeCheck check;
    private final ConnectionHandler connections;
    private final GatewayMetrics metrics;
    private final Map<UpgradeRefusal, String> refusalBodies = new EnumMap<>(UpgradeRefusal.class);

    public SocketRoutes(SessionUpgradeCheck check, ConnectionHandler connections, GatewayMetrics metrics,
            ObjectMapper mapper) throws JsonProcessingException {
        this.check = check;
        this.connections = connections;
        this.metrics = metrics;
        for (UpgradeRefusal refusal : UpgradeRefusal.values()) {
            refusalBodies.put(refusal, mapper.writeValueAsString(ErrorBody.of(refusal.code(), refusal.message(), null)));
        }
    }

    void register(@Observes Router router) {
        router.get("/api/forum/ws/v2").handler(context -> upgrade(context, EndpointKind.V2));
        router.get("/api/forum/ws/global").handler(context -> upgrade(context, EndpointKind.GLOBAL));
        router.get("/api/forum/ws/thread/:" + THREAD_ID).handler(context -> upgrade(context, EndpointKind.THREAD));
    }

    private void upgrade(RoutingContext context, EndpointKind kind) {
        HttpServerRequest request = context.request();
        if (!request.headers().contains(SEC_WEBSOCKET_KEY)) {
            context.next(); // not a WebSocket handshake: not ours
            return;
        }
        // The request's end must wait for toWebSocket() while the session is resolved (asynchronously).
        request.pause();
        Long threadId = kind == EndpointKind.THREAD ? parseThreadId(context.pathParam(THREAD_ID)) : null;
        UUID lastEventId = kind == EndpointKind.THREAD ? lastEventIdFromQuery(request.query()) : null;
        check.perform(request, kind, threadId).subscribe().with(decision -> {
            if (decision instanceof UpgradeDecision.Admission admission) {
                request.toWebSocket().onSuccess(socket -> {
                    dropHttpState(request, socket);
                    connections.open(socket, kind, admission, threadId, lastEventId);
                }).onFailure(failure -> {
                    Log.debugf("WebSocket handshake failed: %s", failure.toString());
                    refuse(context, UpgradeRefusal.BAD_HANDSHAKE);
                });
            } else {
                refuse(context, (UpgradeRefusal) decision);
            }
        }, context::fail);
    }

    /**
     * What the HTTP server would keep for the socket's whole life and the gateway does not need: the handshake's
     * headers (about 1 KB with a browser's cookie and user agent; the session is resolved), and the server's idle
     * timer ({@code quarkus.http.idle-timeout}, 30 min), which cannot fire on a gateway socket: {@link Heartbeats}
     * writes to every socket each {@code gateway.heartbeat.interval} (30 s).
     */
    private static void dropHttpState(HttpServerRequest request, ServerWebSocket socket) {
        socket.headers().clear();
        ChannelPipeline pipeline = ((ConnectionBase) request.connection()).channel().pipeline();
        if (pipeline.get(IDLE_TIMER) != null) {
            pipeline.remove(IDLE_TIMER);
        }
    }

    private void refuse(RoutingContext context, UpgradeRefusal refusal) {
        metrics.upgradeRefused(refusal.code());
        HttpServerResponse response = context.response();
        if (!response.ended()) {
            context.request().resume();
            response.setStatusCode(refusal.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(refusalBodies.get(refusal));
        }
    }

    /** The path's thread id, or null if it is not a positive integer. */
    private static Long parseThreadId(String raw) {
        try {
            long id = Long.parseLong(raw);
            return id > 0 ? id : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    /** {@code ?last_event_id=} of the thread endpoint (resume), or null when absent or not a UUID. */
    private static UUID lastEventIdFromQuery(String query) {
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
