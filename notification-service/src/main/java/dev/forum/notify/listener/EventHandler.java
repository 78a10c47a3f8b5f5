package dev.forum.notify.listener;

import dev.forum.contract.EventEnvelope;
import dev.forum.contract.payload.MessageEdited;
import dev.forum.contract.payload.NewMessage;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.mention.MentionParser;
import dev.forum.notify.push.PushPlan;
import dev.forum.notify.push.PushService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Processes one event, or a run of consecutive events of one stream ({@link #handleAll}), in ONE transaction:
 * checks and advances the cursor of the event's {@link FeedStream} (events with a seq), records the event id in processed_events (a redelivery
 * changes nothing), applies the event's side effects ({@link EventEffects}), and writes what to push into
 * the push outbox (published by the relay after the commit).
 */
@ApplicationScoped
public class EventHandler {

    /** The result of one transaction. */
    public record Result(Outcome outcome, PushPlan plan) {
    }

    private final String consumerId;
    private final CursorStore cursors;
    private final EventEffects effects;
    private final PushService pushes;

    public EventHandler(NotifyConfig config, CursorStore cursors, EventEffects effects, PushService pushes) {
        this.consumerId = config.consumer().id();
        this.cursors = cursors;
        this.effects = effects;
        this.pushes = pushes;
    }

    @Transactional
    public Result handle(EventEnvelope event) {
        if (event.seq() != null && !cursors.claimNext(consumerId, FeedStream.of(event), event.seq())) {
            return new Result(Outcome.ALREADY_CONSUMED, new PushPlan());
        }
        return applyOnce(event);
    }

    /**
     * Processes consecutive events of one stream (each with a seq) in ONE transaction: claims them on the
     * stream's cursor, skips what it already covers, refuses a gap ({@link FeedGapException}), applies each
     * event once (processed_events) and advances the cursor to the last. One result per event, in order.
     */
    @Transactional
    public List<Result> handleAll(List<EventEnvelope> events) {
        return applyRun(events);
    }

    /**
     * Several runs ({@link #handleAll}'s), of one stream or of several, in ONE transaction, in order; each run
     * claims and advances its own stream's cursor with its own gap check. A gap or failure in any run rolls back
     * all of them. One list of results per run.
     */
    @Transactional
    public List<List<Result>> handleRuns(List<List<EventEnvelope>> runs) {
        List<List<Result>> results = new ArrayList<>(runs.size());
        for (List<EventEnvelope> run : runs) {
            results.add(applyRun(run));
        }
        return results;
    }

    private List<Result> applyRun(List<EventEnvelope> events) {
        FeedStream stream = FeedStream.of(events.get(0));
        long first = events.get(0).seq();
        boolean consecutive = true;
        for (int i = 0; i < events.size(); i++) {
            EventEnvelope event = events.get(i);
            if (!FeedStream.of(event).equals(stream)) {
                throw new IllegalArgumentException("a run mixes the " + stream + " and the " + FeedStream.of(event));
            }
            consecutive &= event.seq() == first + i;
        }
        List<Result> results = new ArrayList<>(events.size());
        // Usually the stored cursor is right before the run and the seqs are consecutive: one UPDATE claims them all.
        if (consecutive && cursors.claimRun(consumerId, stream, first, first + events.size() - 1)) {
            for (EventEnvelope event : events) {
                results.add(applyOnce(event));
            }
            return results;
        }
        long cursor = cursors.lock(consumerId, stream);
        long last = cursor;
        for (EventEnvelope event : events) {
            long seq = event.seq();
            if (seq <= last) {
                results.add(new Result(Outcome.ALREADY_CONSUMED, new PushPlan()));
                continue;
            }
            if (seq != last + 1) {
                throw new FeedGapException(stream, last, seq);
            }
            last = seq;
            results.add(applyOnce(event));
        }
        if (last > cursor) {
            cursors.advance(consumerId, stream, last);
        }
        return results;
    }

    /**
     * Whether the event may fan out to many users (every reader, every unread notification of a
     * thread): it gets a transaction of its own, so it never holds back or prolongs a batch. An event
     * whose payload is missing or does not read runs alone too (and fails there, on its own).
     */
    public boolean runsAlone(EventEnvelope event) {
        try {
            return switch (event.type()) {
                case NEW_THREAD_CREATED, THREAD_DELETED, MESSAGES_DELETED -> true;
                case NEW_MESSAGE -> mentionsEveryone(effects.read(event, NewMessage.class).message().content());
                case MESSAGE_EDITED -> mentionsEveryone(effects.read(event, MessageEdited.class).message().content());
                default -> false;
            };
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static boolean mentionsEveryone(String content) {
        return content != null && content.toLowerCase(Locale.ROOT).contains("@" + MentionParser.EVERYONE);
    }

    private Result applyOnce(EventEnvelope event) {
        if (!cursors.recordProcessed(consumerId, event.eventId())) {
            return new Result(Outcome.DUPLICATE, new PushPlan());
        }
        PushPlan plan = new PushPlan();
        effects.apply(event, plan);
        pushes.enqueue(plan);
        return new Result(Outcome.PROCESSED, plan);
    }
}
