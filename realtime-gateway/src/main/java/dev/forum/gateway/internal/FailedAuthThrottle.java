package dev.forum.gateway.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Counts failed authentications per client address in fixed windows: once an address has had
 * {@code maxFailures} in the current window it is blocked until the window ends, so random tokens
 * stop costing forum-api a call each. Successful authentications are not counted.
 */
public final class FailedAuthThrottle {

    private record Window(long startNanos, int failures) {
    }

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    public FailedAuthThrottle(int maxFailures, long windowNanos, LongSupplier nanoClock) {
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.nanoClock = nanoClock;
    }

    public boolean isBlocked(String address) {
        Window window = windows.get(address);
        return window != null && nanoClock.getAsLong() - window.startNanos() < windowNanos
                && window.failures() >= maxFailures;
    }

    public void failed(String address) {
        long now = nanoClock.getAsLong();
        windows.compute(address, (key, window) -> window == null || now - window.startNanos() >= windowNanos
                ? new Window(now, 1) : new Window(window.startNanos(), window.failures() + 1));
    }

    /** Forgets windows that ended, so the map does not grow without bound. */
    public void evictEnded() {
        long now = nanoClock.getAsLong();
        windows.values().removeIf(window -> now - window.startNanos() >= windowNanos);
    }
}
