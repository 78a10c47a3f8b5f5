package dev.forum.gateway.endpoint;

import dev.forum.gateway.registry.EndpointKind;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The multiplexed endpoint: one connection per tab, subscriptions by frame. */
@WebSocket(path = "/api/forum/ws/v2", endpointId = V2WebSocket.ID)
public class V2WebSocket {

    static final String ID = "forum-ws-v2";

    private final ConnectionHandler handler;

    public V2WebSocket(ConnectionHandler handler) {
        this.handler = handler;
    }

    @OnOpen
    public Uni<Void> onOpen(WebSocketConnection connection) {
        return handler.open(connection, EndpointKind.V2);
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
