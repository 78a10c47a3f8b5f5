package dev.forum.gateway.endpoint;

import dev.forum.gateway.registry.FrameSink;
import io.netty.channel.EventLoop;
import io.quarkus.logging.Log;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import io.vertx.core.impl.ContextInternal;

/**
 * A connection's Vert.x WebSocket for its {@link dev.forum.gateway.registry.OutboundWriter}. Frames are written as
 * text frames over the frame's shared UTF-8 bytes (no per-connection encoding of a String, no Future listener per
 * frame), on the connection's event loop (no cross-thread hand-off per frame inside Vert.x), and Vert.x's write-queue
 * signal (Netty's high-water mark) tells the writer when to keep frames in its own byte-bounded queue.
 */
final class SocketFrameSink implements FrameSink {

    private final ServerWebSocket socket;
    /** The connection's event loop (null if not opened on one: tasks then run on the caller's thread). */
    private final EventLoop eventLoop;

    /** Called on the connection's event loop. */
    SocketFrameSink(ServerWebSocket socket) {
        this.socket = socket;
        Context context = Vertx.currentContext();
        this.eventLoop = context instanceof ContextInternal internal && context.isEventLoopContext()
                ? internal.nettyEventLoop() : null;
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
            Log.debugf("connection closed before its writer started");
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
        socket.close((short) code, reason)
                .onFailure(failure -> Log.debugf("close with %d failed: %s", code, failure.getMessage()));
    }
}
