package dev.forum.gateway.registry;

/**
 * Where a connection's frames go: the socket in production, a recorder in unit tests. Writing never
 * waits for the transport; {@link #writeQueueFull()} says when the socket's own buffer is over its
 * high-water mark, and the drain handler is called when it has room again.
 */
public interface FrameSink {

    /**
     * Hands one text frame (UTF-8 JSON, shared with every other recipient: never modified) to the socket
     * without waiting. False if the socket is closed.
     */
    boolean write(byte[] utf8);

    /** True while the socket's write buffer is full: the caller keeps further frames in its own queue. */
    boolean writeQueueFull();

    /** Called (on the socket's I/O thread) each time a full write buffer has room again. */
    void drainHandler(Runnable drained);

    /**
     * Runs a task on the socket's I/O thread (right away when called on it), so that frames are written
     * where the socket lives rather than on the thread that routed them.
     */
    void execute(Runnable task);

    void close(int code, String reason);
}
