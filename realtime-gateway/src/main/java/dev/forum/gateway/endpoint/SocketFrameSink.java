package dev.forum.gateway.endpoint;

import dev.forum.gateway.registry.FrameSink;
import io.quarkus.logging.Log;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.quarkus.websockets.next.runtime.WebSocketConnectionBase;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.impl.ContextInternal;

import java.lang.reflect.Method;

/**
 * A connection's socket for its {@link dev.forum.gateway.registry.OutboundWriter}. Frames go straight to
 * the Vert.x WebSocket under the websockets-next connection, as text frames over the frame's shared UTF-8
 * bytes: no per-connection encoding of a String and no Uni or CompletableFuture per frame (which
 * {@code WebSocketConnection.sendText} needs), written on the connection's event loop (no cross-thread
 * hand-off per frame inside Vert.x), and Vert.x's write-queue signal (Netty's high-water mark)
 * tells the writer when to keep frames in its own byte-bounded queue. websockets-next keeps the Vert.x
 * WebSocket behind a package-private accessor, read once per connection here; closing still goes through
 * websockets-next so that its close handling runs.
 */
final class SocketFrameSink implements FrameSink {

    private static final Method WEB_SOCKET = webSocketAccessor();

    private final WebSocketConnection connection;
    private final WebSocketBase socket;
    /** The connection's event loop (null if not opened on one: tasks then run on the caller's thread). */
    private final EventLoop eventLoop;

    /** Called on the connection's event loop (its {@code @OnOpen} callback). */
    SocketFrameSink(WebSocketConnection connection) {
        this.connection = connection;
        Context context = Vertx.currentContext();
        this.eventLoop = context instanceof ContextInternal internal && context.isEventLoopContext()
                ? internal.nettyEventLoop() : null;
        try {
            this.socket = (WebSocketBase) WEB_SOCKET.invoke(connection);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the Vert.x WebSocket of " + connection.id(), e);
        }
    }

    @Override
    public boolean write(byte[] utf8) {
        if (socket.isClosed()) {
            return false;
        }
        socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, utf8, true));
        return true;
    }

    @Override
    public boolean writeQueueFull() {
        try {
            return socket.writeQueueFull();
        } catch (IllegalStateException closed) {
            return false;
        }
    }

    @Override
    public void drainHandler(Runnable drained) {
        try {
            socket.drainHandler(ignored -> drained.run());
        } catch (IllegalStateException closed) {
            Log.debugf("connection %s closed before its writer started", connection.id());
        }
    }

    @Override
    public void execute(Runnable task) {
        if (eventLoop == null || eventLoop.inEventLoop()) {
            task.run();
        } else {
            eventLoop.execute(task);
        }
    }

    @Override
    public void close(int code, String reason) {
        connection.close(new CloseReason(code, reason)).subscribe().with(
                ignored -> {
                },
                failure -> Log.debugf("close of %s failed: %s", connection.id(), failure.getMessage()));
    }

    private static Method webSocketAccessor() {
        try {
            Method method = WebSocketConnectionBase.class.getDeclaredMethod("webSocket");
            method.setAccessible(true);
            return method;
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
