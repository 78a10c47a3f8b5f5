package dev.forum.notify.listener;

import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventType;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.deadletter.DeadLetterService;
import dev.forum.notify.deadletter.Failures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * THE entry point for events, used by the feed consumer (and by tests): {@link #process} takes one
 * event, {@link #processAll} consecutive ones of a stream ({@link FeedStream}). One transaction covers cursor + idempotency + side
 * effects + the pushes to users' connections, written to the push outbox ({@link EventHandler}); the
 * push relay publishes them after the commit. {@link #processAll} commits runs of up to
 * {@code notify.consumer.batch-size} events in one transaction; an event that may fan out to many
 * ({@link EventHandler#runsAlone}) gets its own, and a run that fails is retried one event at a time,
 * so that the failing event alone counts an attempt.
 *
 * <p>Poison events: a failure is rethrown (the consumer retries from the cursor on its next wake)
 * until the event failed {@code notify.consumer.max-attempts} times; then it is recorded in
 * dead_letter_events, the cursor moves past it, and {@link Outcome#DEAD_LETTERED} is returned.
 * Database outages ({@link Failures#isTransient}) do not count. Attempts are counted in memory: a
 * restart starts counting again.
 */
@ApplicationScoped
public class EventProcessor {

    private record Attempts(int count, Instant firstFailure) {
    }

    private final EventHandler handler;
    private final DeadLetterService deadLetters;
    private final MeterRegistry registry;
    private final Counter notificationsCreated;
    private final int maxAttempts;
    private final int batchSize;
    private final Map<UUID, Attempts> failing = new ConcurrentHashMap<>();

    public EventProcessor(EventHandler handler, DeadLetterService deadLetters, NotifyConfig config,
            MeterRegistry registry) {
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.maxAttempts = config.consumer().maxAttempts();
        this.batchSize = config.consumer().batchSize();
        this.notificationsCreated = Counter.builder("notify.notifications.created")
                .description("Notifications stored (every recipient counts)").register(registry);
        // Registered at 0 for every type, so that the first dead letter is an increase an alert can see.
        for (EventType type : EventType.values()) {
            deadLetterCounter(type);
        }
    }

    /**
     * Processes events with consecutive seqs of their stream, in order (a run per transaction never spans two
     * streams). Returns the seq of the last one processed; a failure is thrown after the runs before it were
     * committed (the caller re-reads its cursor).
     */
    public long processAll(List<EventEnvelope> events) {
        long last = 0;
        int i = 0;
        while (i < events.size()) {
            int end = i + 1;
            if (!handler.runsAlone(events.get(i))) {
                FeedStream stream = FeedStream.of(events.get(i));
                while (end < events.size() && end - i < batchSize && !handler.runsAlone(events.get(end))
                        && FeedStream.of(events.get(end)).equals(stream)) {
                    end++;
                }
            }
            List<EventEnvelope> run = events.subList(i, end);
            if (run.size() == 1) {
                process(run.get(0));
            } else {
                processRun(run);
            }
            last = run.get(run.size() - 1).seq();
            i = end;
        }
        return last;
    }

    private void processRun(List<EventEnvelope> run) {
        List<EventHandler.Result> results;
        try {
            results = handler.handleAll(run);
        } catch (RuntimeException e) {
            rethrowUnlessTheEventsFault(e);
            Log.debugf("a run of %d events failed (%s): processing them one at a time", run.size(), e.getMessage());
            run.forEach(this::process);
            return;
        }
        for (int i = 0; i < run.size(); i++) {
            completed(run.get(i), results.get(i));
        }
    }

    public Outcome process(EventEnvelope event) {
        EventHandler.Result result;
        try {
            result = handler.handle(event);
        } catch (RuntimeException e) {
            rethrowUnlessTheEventsFault(e);
            Attempts attempts = failing.merge(event.eventId(), new Attempts(1, Instant.now()),
                    (old, one) -> new Attempts(old.count() + 1, old.firstFailure()));
            if (attempts.count() < maxAttempts) {
                Log.warnf("event %s seq %s (%s) failed, attempt %d of %d: %s", event.eventId(), event.seq(),
                        event.type().wireName(), attempts.count(), maxAttempts, e.getMessage());
                throw e;
            }
            return deadLetter(event, attempts, e);
        }
        completed(event, result);
        return result.outcome();
    }

    /** A gap or a database outage is not the event's fault: it does not count as an attempt. */
    private static void rethrowUnlessTheEventsFault(RuntimeException e) {
        if (e instanceof FeedGapException || Failures.isTransient(e)) {
            throw e;
        }
    }

    private void completed(EventEnvelope event, EventHandler.Result result) {
        failing.remove(event.eventId());
        count(event, result.outcome());
        if (result.outcome() == Outcome.PROCESSED) {
            int created = result.plan().notifications().size() + result.plan().silentNotifications();
            if (created > 0) {
                notificationsCreated.increment(created);
            }
        } else {
            Log.debugf("event %s seq %s: %s", event.eventId(), event.seq(), result.outcome());
        }
    }

    private Outcome deadLetter(EventEnvelope event, Attempts attempts, RuntimeException failure) {
        if (!deadLetters.persistDeadLetter(event, attempts.count(), attempts.firstFailure(), failure)) {
            failing.remove(event.eventId());
            count(event, Outcome.ALREADY_CONSUMED);
            return Outcome.ALREADY_CONSUMED;
        }
        failing.remove(event.eventId());
        deadLetterCounter(event.type()).increment();
        count(event, Outcome.DEAD_LETTERED);
        Log.errorf(failure, "event %s seq %s (%s) failed %d times: recorded in dead_letter_events, consumer moves "
                + "past it", event.eventId(), event.seq(), event.type().wireName(), attempts.count());
        return Outcome.DEAD_LETTERED;
    }

    private Counter deadLetterCounter(EventType type) {
        return Counter.builder("notify.dead.letters").tag("type", type.wireName())
                .description("Events given up on and recorded in dead_letter_events").register(registry);
    }

    private void count(EventEnvelope event, Outcome outcome) {
        Counter.builder("notify.events.processed").tag("type", event.type().wireName())
                .tag("outcome", outcome.name().toLowerCase())
                .description("Events handled by the processing entry point, by type and outcome").register(registry)
                .increment();
    }
}
