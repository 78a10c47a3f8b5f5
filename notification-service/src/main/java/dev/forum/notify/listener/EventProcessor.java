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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * THE entry point for events, used by the feed consumer (and by tests): {@link #process} takes one
 * event, {@link #processAll} consecutive ones of a stream ({@link FeedStream}). One transaction covers cursor + idempotency + side
 * effects + the pushes to users' connections, written to the push outbox ({@link EventHandler}); the
 * push relay publishes them after the commit. {@link #processAll} and {@link #processEach} commit up to
 * {@code notify.consumer.batch-size} events in one transaction, of one stream or of several (each stream's run
 * advancing its own cursor); an event that may fan out to many
 * ({@link EventHandler#runsAlone}) gets its own, and a transaction that fails is retried one run, then one
 * event at a time, so that the failing event alone counts an attempt.
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
     * Processes events with consecutive seqs of their stream, in order (see {@link #processEach}). Returns the seq
     * of the last one; the first failure is thrown after the other transactions were committed (the caller re-reads
     * its cursor).
     */
    public long processAll(List<EventEnvelope> events) {
        Map<FeedStream, RuntimeException> failures = processEach(events);
        if (!failures.isEmpty()) {
            throw failures.values().iterator().next();
        }
        return events.isEmpty() ? 0 : events.get(events.size() - 1).seq();
    }

    /**
     * Processes events of one stream or of several, each stream's with consecutive seqs, in order. Consecutive
     * events of one stream form runs; runs of several streams share one transaction (up to
     * {@code notify.consumer.batch-size} events), each advancing its own stream's cursor; an event that
     * {@link EventHandler#runsAlone runs alone} gets its own. A transaction of several runs that fails is retried
     * run by run (and a failed run event by event), so that a gap or a poison event holds back its stream only:
     * that stream's later events are left for the caller to re-read; the other streams go on. Returns the failed
     * streams with their failure, in the order they failed (empty: everything was processed).
     */
    public Map<FeedStream, RuntimeException> processEach(List<EventEnvelope> events) {
        Map<FeedStream, RuntimeException> failures = new LinkedHashMap<>();
        List<List<EventEnvelope>> transaction = new ArrayList<>();
        boolean[] runsAlone = new boolean[events.size()];
        for (int e = 0; e < events.size(); e++) {
            runsAlone[e] = handler.runsAlone(events.get(e)); // reads the payload: once per event
        }
        int size = 0;
        int i = 0;
        while (i < events.size()) {
            boolean alone = runsAlone[i];
            int end = i + 1;
            if (!alone) {
                FeedStream stream = FeedStream.of(events.get(i));
                while (end < events.size() && end - i < batchSize && FeedStream.of(events.get(end)).equals(stream)
                        && !runsAlone[end]) {
                    end++;
                }
            }
            List<EventEnvelope> run = events.subList(i, end);
            if (alone || size + run.size() > batchSize) {
                commit(transaction, failures);
                transaction.clear();
                size = 0;
            }
            transaction.add(run);
            size += run.size();
            if (alone) {
                commit(transaction, failures);
                transaction.clear();
                size = 0;
            }
            i = end;
        }
        commit(transaction, failures);
        return failures;
    }

    private void commit(List<List<EventEnvelope>> transaction, Map<FeedStream, RuntimeException> failures) {
        List<List<EventEnvelope>> runs = transaction.stream()
                .filter(run -> !failures.containsKey(FeedStream.of(run.get(0)))).toList();
        if (runs.size() == 1) {
            processRun(runs.get(0), failures);
        } else if (runs.size() > 1) {
            List<List<EventHandler.Result>> results;
            try {
                results = handler.handleRuns(runs);
            } catch (RuntimeException e) {
                Log.debugf("a transaction of %d runs failed (%s): processing them one run at a time", runs.size(),
                        e.getMessage());
                runs.forEach(run -> processRun(run, failures));
                return;
            }
            for (int r = 0; r < runs.size(); r++) {
                for (int e = 0; e < runs.get(r).size(); e++) {
                    completed(runs.get(r).get(e), results.get(r).get(e));
                }
            }
        }
    }

    /** One run in its own transaction; a failure is recorded as its stream's (whose later runs are skipped). */
    private void processRun(List<EventEnvelope> run, Map<FeedStream, RuntimeException> failures) {
        FeedStream stream = FeedStream.of(run.get(0));
        if (failures.containsKey(stream)) {
            return;
        }
        try {
            if (run.size() == 1) {
                process(run.get(0));
            } else {
                processRun(run);
            }
        } catch (RuntimeException e) {
            failures.put(stream, e);
        }
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
