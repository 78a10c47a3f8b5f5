package dev.forum.gateway.endpoint;

import dev.forum.gateway.registry.EndpointKind;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The seeds' per-thread endpoint: subscribed to its thread on open (resume with ?last_event_id=). */
@WebSocket(path = "/api/forum/ws/thread/{thread_id}", endpointId = ThreadWebSocket.ID)
public class ThreadWebSocket {

    static final String ID = "forum-ws-thread";
    static final String THREAD_ID = "thread_id";

    private final ConnectionHandler handler;

    public ThreadWebSocket(ConnectionHandler handler) {
        this.handler = handler;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        return handler.open(connection, EndpointKind.THREAD);
    }

    @OnTextMessage
    public Uni<Void> onTextMessage(WebSocketConnection connection, String message) {
        return handler.text(connection, message);
    }

    @OnClose
    public Uni<Void> onClose(WebSocketConnection connection) {
        return handler.closed(connection);
    }

    @OnError
    public Uni<Void> onError(WebSocketConnection connection, Throwable failure) {
        return handler.failed(connection, failure);
    }

    /** The path's thread id, or null if it is not a positive integer. */
    static Long parseThreadId(String raw) {
        try {
            long id = Long.parseLong(raw);
            return id > 0 ? id : null;
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }
}
