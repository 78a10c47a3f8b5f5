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
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * THE entry point for one event, used by the feed consumer for every event (and by tests): one
 * transaction for cursor + idempotency + side effects + the pushes to users' connections, written to
 * the push outbox ({@link EventHandler}); the push relay publishes them after the commit.
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
    private final Map<UUID, Attempts> failing = new ConcurrentHashMap<>();

    public EventProcessor(EventHandler handler, DeadLetterService deadLetters, NotifyConfig config,
            MeterRegistry registry) {
        this.handler = handler;
        this.deadLetters = deadLetters;
        this.registry = registry;
        this.maxAttempts = config.consumer().maxAttempts();
        this.notificationsCreated = Counter.builder("notify.notifications.created")
                .description("Notifications stored (every recipient counts)").register(registry);
        // Registered at 0 for every type, so that the first dead letter is an increase an alert can see.
        for (EventType type : EventType.values()) {
            deadLetterCounter(type);
        }
    }

    public Outcome process(EventEnvelope event) {
        EventHandler.Result result;
        try {
            result = handler.handle(event);
        } catch (FeedGapException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            Attempts attempts = failing.merge(event.eventId(), new Attempts(1, Instant.now()),
                    (old, one) -> new Attempts(old.count() + 1, old.firstFailure()));
            if (attempts.count() < maxAttempts) {
                Log.warnf("event %s seq %s (%s) failed, attempt %d of %d: %s", event.eventId(), event.seq(),
                        event.type().wireName(), attempts.count(), maxAttempts, e.getMessage());
                throw e;
            }
            return deadLetter(event, attempts, e);
        }
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
        return result.outcome();
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
