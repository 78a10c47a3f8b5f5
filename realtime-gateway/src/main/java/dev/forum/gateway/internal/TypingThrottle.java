package dev.forum.gateway.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Decides whether a typing indicator is worth forwarding: per user and thread, a repeat of the same
 * state is forwarded at most once per interval, while a change of state (started / stopped typing)
 * always goes through.
 */
public final class TypingThrottle {

    private record Key(long userId, long threadId) {
    }

    private record Last(boolean typing, long atNanos) {
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
            if (previous == null || previous.typing() != typing || now - previous.atNanos() >= intervalNanos) {
                allowed[0] = true;
                return new Last(typing, now);
            }
            return previous;
        });
        return allowed[0];
    }

    /** Forgets entries older than the interval so the map does not grow without bound. */
    public void evictOlderThanInterval() {
        long now = nanoClock.getAsLong();
        last.values().removeIf(entry -> now - entry.atNanos() >= intervalNanos);
    }

    public int size() {
        return last.size();
    }
}
