package dev.forum.notify;

import dev.forum.contract.EventEnvelope;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.listener.CursorStore;
import dev.forum.notify.listener.EventProcessor;
import dev.forum.notify.listener.FeedStream;
import dev.forum.notify.listener.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Delivers envelopes to the processing entry point exactly as the feed consumer does: each with the
 * seq that follows the stored cursor of the legacy global stream, through {@link EventProcessor#process}.
 * Synchronized because that stream is ordered.
 */
@ApplicationScoped
public class Feed {

    private final EventProcessor processor;
    private final CursorStore cursors;
    private final NotifyConfig config;

    public Feed(EventProcessor processor, CursorStore cursors, NotifyConfig config) {
        this.processor = processor;
        this.cursors = cursors;
        this.config = config;
    }

    /** Publishes the events in order, each with the next seq; returns the last one's seq. */
    public synchronized long deliver(EventEnvelope... events) {
        long seq = cursor();
        for (EventEnvelope event : events) {
            seq++;
            Outcome outcome = processor.process(event.withSeq(seq));
            if (outcome != Outcome.PROCESSED) {
                throw new AssertionError("expected " + event.type() + " to be processed, was " + outcome);
            }
        }
        return seq;
    }

    /** The stored cursor of the legacy global stream. */
    public long cursor() {
        return cursor(FeedStream.LEGACY);
    }

    public long cursor(FeedStream stream) {
        return cursors.current(config.consumer().id(), stream);
    }
}
