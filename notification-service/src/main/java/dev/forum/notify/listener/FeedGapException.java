package dev.forum.notify.listener;

/**
 * An event's seq is not the one after its stream's stored cursor. seq is gap-free per stream, so this means a
 * bug or a purged feed; the consumer stops that stream and retries from its cursor rather than skip anything.
 */
public class FeedGapException extends RuntimeException {

    private final FeedStream stream;
    private final long cursor;
    private final long seq;

    public FeedGapException(FeedStream stream, long cursor, long seq) {
        super("event feed gap in the " + stream + ": cursor at " + cursor + ", next event has seq " + seq);
        this.stream = stream;
        this.cursor = cursor;
        this.seq = seq;
    }

    public FeedStream stream() {
        return stream;
    }

    public long cursor() {
        return cursor;
    }

    public long seq() {
        return seq;
    }
}
