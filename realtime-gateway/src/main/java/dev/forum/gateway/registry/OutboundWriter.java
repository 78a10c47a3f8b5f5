package dev.forum.gateway.registry;

import dev.forum.gateway.endpoint.DisconnectCode;
import dev.forum.gateway.internal.ByteBoundedQueue;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The single writer of one connection: frames are queued (bounded in bytes, never blocking the
 * caller) and handed to the socket in order on the socket's own I/O thread (one task per burst, not per
 * frame), as many as the socket's write buffer takes; when it is full the rest wait here and the socket's
 * drain handler resumes the writer. A slow socket therefore
 * only fills its own queue. On overflow, ephemeral frames go first; if that is not enough the connection
 * is closed with {@link DisconnectCode#SLOW}. Nothing is allocated per frame beyond the queue entry.
 */
public final class OutboundWriter {

    private final ByteBoundedQueue<OutboundFrame> queue;
    private final FrameSink sink;
    private final DeliveryListener listener;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean pumpScheduled = new AtomicBoolean();
    private final Runnable scheduledPump = () -> {
        pumpScheduled.set(false);
        pump();
    };
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile long lastWriteNanos = System.nanoTime();

    public OutboundWriter(long maxBytes, FrameSink sink, DeliveryListener listener) {
        this.queue = new ByteBoundedQueue<>(maxBytes);
        this.sink = sink;
        this.listener = listener;
        sink.drainHandler(this::pump);
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
        if (pumpScheduled.compareAndSet(false, true)) {
            sink.execute(scheduledPump);
        }
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

    /**
     * Hands queued frames to the socket while it has room. One thread at a time; whoever finds the
     * writer busy leaves the frame to the thread draining it, which looks again before it lets go.
     */
    private void pump() {
        while (!queue.isEmpty() && !sink.writeQueueFull()) {
            if (!draining.compareAndSet(false, true)) {
                return;
            }
            try {
                OutboundFrame frame;
                while (!sink.writeQueueFull() && (frame = queue.poll()) != null) {
                    lastWriteNanos = System.nanoTime();
                    if (!sink.write(frame.utf8())) {
                        discard();
                        return;
                    }
                    listener.written(frame);
                }
            } finally {
                draining.set(false);
            }
        }
    }
}
