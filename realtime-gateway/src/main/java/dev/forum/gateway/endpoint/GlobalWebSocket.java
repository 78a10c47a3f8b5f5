package dev.forum.gateway.endpoint;

import dev.forum.gateway.registry.EndpointKind;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The seeds' global endpoint: the user's events and forum-wide broadcasts. */
@WebSocket(path = "/api/forum/ws/global", endpointId = GlobalWebSocket.ID)
public class GlobalWebSocket {

    static final String ID = "forum-ws-global";

    private final ConnectionHandler handler;

    public GlobalWebSocket(ConnectionHandler handler) {
        this.handler = handler;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        return handler.open(connection, EndpointKind.GLOBAL);
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
}
