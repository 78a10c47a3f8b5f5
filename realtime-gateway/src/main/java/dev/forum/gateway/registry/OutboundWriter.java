package dev.forum.gateway.registry;

import dev.forum.gateway.endpoint.DisconnectCode;
import dev.forum.gateway.internal.ByteBoundedQueue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The single writer of one connection: frames are queued (bounded in bytes, never blocking the
 * caller) and written one after the other, each after the previous write completed, so order is kept
 * and a slow socket only fills its own queue. On overflow, ephemeral frames go first; if that is not
 * enough the connection is closed with {@link DisconnectCode#SLOW}.
 */
public final class OutboundWriter {

    private final ByteBoundedQueue<OutboundFrame> queue;
    private final FrameSink sink;
    private final DeliveryListener listener;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastWriteNanos = System.nanoTime();

    public OutboundWriter(long maxBytes, FrameSink sink, DeliveryListener listener) {
        this.queue = new ByteBoundedQueue<>(maxBytes);
        this.sink = sink;
        this.listener = listener;
    }

    /** Queues a frame and starts draining if idle. Never blocks. False if the frame was not queued. */
    public boolean enqueue(OutboundFrame frame) {
        long evictedBefore = queue.evictedCount();
        ByteBoundedQueue.Offer offer = queue.offer(frame, frame.bytes(), frame.ephemeral());
        switch (offer) {
            case ACCEPTED -> {
            }
            case ACCEPTED_AFTER_EVICTION -> {
                long evicted = queue.evictedCount() - evictedBefore;
                for (long i = 0; i < evicted; i++) {
                    listener.dropped(frame, "queue_full_ephemeral");
                }
            }
            case DROPPED -> {
                listener.dropped(frame, "queue_full_ephemeral");
                return false;
            }
            case OVERFLOW -> {
                listener.dropped(frame, "slow_client");
                close(DisconnectCode.SLOW);
                return false;
            }
            case CLOSED -> {
                return false;
            }
        }
        pump();
        return true;
    }

    /** Discards what is queued and closes the connection with the given code (once). */
    public void close(DisconnectCode code) {
        if (closed.compareAndSet(false, true)) {
            queue.close();
            listener.disconnected(code.name().toLowerCase(java.util.Locale.ROOT));
            sink.close(code.code(), code.reason());
        }
    }

    /** The socket is gone (closed by the peer): discard what is queued, send nothing more. */
    public void discard() {
        closed.set(true);
        queue.close();
    }

    public boolean isClosed() {
        return closed.get();
    }

    public long queuedBytes() {
        return queue.bytes();
    }

    /** When a frame was last handed to the socket (heartbeat decisions). */
    public long lastWriteNanos() {
        return lastWriteNanos;
    }

    private void pump() {
        while (true) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            OutboundFrame frame = queue.poll();
            if (frame == null) {
                draining.set(false);
                if (queue.isEmpty()) {
                    return;
                }
                continue;
            }
            lastWriteNanos = System.nanoTime();
            CompletableFuture<Void> write = send(frame);
            if (write.isDone()) {
                draining.set(false);
                if (!completed(frame, write)) {
                    return;
                }
                continue;
            }
            write.whenComplete((ignored, failure) -> {
                draining.set(false);
                if (completed(frame, write)) {
                    pump();
                }
            });
            return;
        }
    }

    private CompletableFuture<Void> send(OutboundFrame frame) {
        try {
            return sink.send(frame.text()).toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean completed(OutboundFrame frame, CompletableFuture<Void> write) {
        if (write.isCompletedExceptionally()) {
            queue.close();
            closed.set(true);
            return false;
        }
        listener.written(frame);
        return true;
    }
}
