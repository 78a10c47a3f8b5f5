package dev.forum.api.outbox.service;

/**
 * Writers' commits per wall-clock second on this replica, for {@link OutboxWakeup}'s choice between numbering in the
 * writer's transaction and leaving the rows to the relay. The rate is the higher of the last full second's count and
 * the current second's so far: a burst is seen within its first second, and a second at a boundary is not read as
 * quiet.
 */
final class CommitRate {

    private long second = Long.MIN_VALUE;
    private int current;
    private int previous;

    /** Counts one commit at {@code nowMillis} and returns the rate including it. */
    synchronized int record(long nowMillis) {
        long now = Math.floorDiv(nowMillis, 1000);
        if (now != second) {
            previous = now == second + 1 ? current : 0;
            current = 0;
            second = now;
        }
        current++;
        return Math.max(previous, current);
    }
}
