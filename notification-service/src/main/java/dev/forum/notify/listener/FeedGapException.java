package dev.forum.notify.listener;

/**
 * An event's seq is not the one after the stored cursor. seq is gap-free, so this means a bug or a
 * purged feed; the consumer stops and retries from the cursor rather than skip anything.
 */
public class FeedGapException extends RuntimeException {

    private final long cursor;
    private final long seq;

    public FeedGapException(long cursor, long seq) {
        super("event feed gap: cursor at " + cursor + ", next event has seq " + seq);
        this.cursor = cursor;
        this.seq = seq;
    }

    public long cursor() {
        return cursor;
    }

    public long seq() {
        return seq;
    }
}
