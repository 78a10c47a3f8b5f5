package dev.forum.gateway.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Decides whether a typing indicator is worth forwarding, per user and thread: "started typing" at most
 * once per interval, and "stopped typing" only right after a forwarded start (or when nothing is
 * known). So alternating true/false cannot flood a thread: at most one start and one stop per interval.
 */
public final class TypingThrottle {

    private record Key(long userId, long threadId) {
    }

    /** The last forwarded state and when a start was last forwarded. */
    private record Last(boolean typing, long startedAtNanos) {
    }

    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<Key, Last> last = new ConcurrentHashMap<>();

    public TypingThrottle(long intervalNanos, LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
    }

    /** True when this indicator should be forwarded; records it if so. */
    public boolean allow(long userId, long threadId, boolean typing) {
        long now = nanoClock.getAsLong();
        boolean[] allowed = {false};
        last.compute(new Key(userId, threadId), (key, previous) -> {
            if (typing && (previous == null || now - previous.startedAtNanos() >= intervalNanos)) {
                allowed[0] = true;
                return new Last(true, now);
            }
            if (!typing && (previous == null || previous.typing())) {
                allowed[0] = true;
                return new Last(false, previous == null ? now - intervalNanos : previous.startedAtNanos());
            }
            return previous;
        });
        return allowed[0];
    }

    /** Forgets entries whose last start is older than the interval so the map does not grow without bound. */
    public void evictOlderThanInterval() {
        long now = nanoClock.getAsLong();
        last.values().removeIf(entry -> now - entry.startedAtNanos() >= intervalNanos);
    }

    public int size() {
        return last.size();
    }
}
