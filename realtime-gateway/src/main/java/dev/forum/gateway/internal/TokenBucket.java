package dev.forum.gateway.internal;

import java.util.function.LongSupplier;

/**
 * A token bucket: {@code ratePerSecond} tokens refill continuously up to {@code burst}. Each accepted
 * message takes one. Counts consecutive refusals so that persistent abuse can be told from a burst.
 */
public final class TokenBucket {

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private double tokens;
    private long lastRefill;
    private int consecutiveRefusals;

    public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (ratePerSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerNano = ratePerSecond / 1_000_000_000d;
        this.burst = burst;
        this.nanoClock = nanoClock;
        this.tokens = burst;
        this.lastRefill = nanoClock.getAsLong();
    }

    public synchronized boolean tryAcquire() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(burst, tokens + (now - lastRefill) * ratePerNano);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            consecutiveRefusals = 0;
            return true;
        }
        consecutiveRefusals++;
        return false;
    }

    /** Refusals since the last accepted message. */
    public synchronized int consecutiveRefusals() {
        return consecutiveRefusals;
    }
}
