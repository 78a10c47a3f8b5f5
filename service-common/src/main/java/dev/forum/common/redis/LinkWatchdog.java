package dev.forum.common.redis;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Tells a live link from a silent one: the link is {@link #arm armed} when it comes up, each proof of
 * life ({@link #heard}) restarts the count, and it is {@link #isSilent silent} once nothing was heard
 * for longer than {@code timeout} since the later of the two. A disarmed watchdog is never silent.
 */
public final class LinkWatchdog {

    private final long timeoutNanos;
    private final LongSupplier nanoClock;
    private boolean armed;
    private long lastHeard;

    public LinkWatchdog(Duration timeout, LongSupplier nanoClock) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        this.timeoutNanos = timeout.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The link came up: the timeout starts now. */
    public synchronized void arm() {
        armed = true;
        lastHeard = nanoClock.getAsLong();
    }

    /** The link went down on its own; nothing to watch until it is armed again. */
    public synchronized void disarm() {
        armed = false;
    }

    /** A proof of life arrived on the link. Ignored while disarmed. */
    public synchronized void heard() {
        if (armed) {
            lastHeard = nanoClock.getAsLong();
        }
    }

    /** True when armed and nothing was heard for longer than the timeout. */
    public synchronized boolean isSilent() {
        return armed && nanoClock.getAsLong() - lastHeard > timeoutNanos;
    }
}
