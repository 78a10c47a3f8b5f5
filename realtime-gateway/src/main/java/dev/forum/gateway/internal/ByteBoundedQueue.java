package dev.forum.gateway.internal;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * A FIFO queue bounded by the total size in bytes of what it holds, not by its length.
 *
 * <p>Adding never blocks. When an item does not fit, droppable (ephemeral) items already queued are
 * evicted first, oldest first; if it still does not fit, a droppable newcomer is itself dropped and a
 * non-droppable one is refused with {@link Offer#OVERFLOW}: the caller must then disconnect the
 * consumer (it cannot keep up). Thread-safe; a single consumer polls.
 *
 * @param <T> the item type
 */
public final class ByteBoundedQueue<T> {

    /** The outcome of {@link #offer}. */
    public enum Offer {
        /** Queued. */
        ACCEPTED,
        /** Queued after evicting droppable items; see {@link #evictedCount()}. */
        ACCEPTED_AFTER_EVICTION,
        /** The newcomer was droppable and did not fit: it was discarded. */
        DROPPED,
        /** A non-droppable item did not fit even after evicting every droppable one. */
        OVERFLOW,
        /** The queue was closed. */
        CLOSED
    }

    private record Entry<T>(T item, int bytes, boolean droppable) {
    }

    private final long maxBytes;
    /** Starts small (an idle connection's queue is empty) and grows as needed. */
    private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>(1);
    private long bytes;
    private long evicted;
    private boolean closed;

    public ByteBoundedQueue(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    public synchronized Offer offer(T item, int itemBytes, boolean droppable) {
        if (closed) {
            return Offer.CLOSED;
        }
        if (bytes + itemBytes <= maxBytes) {
            add(item, itemBytes, droppable);
            return Offer.ACCEPTED;
        }
        evictDroppable(bytes + itemBytes - maxBytes);
        if (bytes + itemBytes <= maxBytes) {
            add(item, itemBytes, droppable);
            return Offer.ACCEPTED_AFTER_EVICTION;
        }
        return droppable ? Offer.DROPPED : Offer.OVERFLOW;
    }

    /** The oldest item, or {@code null} when empty. */
    public synchronized T poll() {
        Entry<T> entry = entries.pollFirst();
        if (entry == null) {
            return null;
        }
        bytes -= entry.bytes();
        return entry.item();
    }

    public synchronized boolean isEmpty() {
        return entries.isEmpty();
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    /** How many droppable items were evicted to make room, since creation. */
    public synchronized long evictedCount() {
        return evicted;
    }

    /** Empties the queue and refuses every later offer. */
    public synchronized void close() {
        closed = true;
        entries.clear();
        bytes = 0;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void add(T item, int itemBytes, boolean droppable) {
        entries.addLast(new Entry<>(item, itemBytes, droppable));
        bytes += itemBytes;
    }

    private void evictDroppable(long needed) {
        long freed = 0;
        Iterator<Entry<T>> it = entries.iterator();
        while (it.hasNext() && freed < needed) {
            Entry<T> entry = it.next();
            if (entry.droppable()) {
                it.remove();
                bytes -= entry.bytes();
                freed += entry.bytes();
                evicted++;
            }
        }
    }
}
