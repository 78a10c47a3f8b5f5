package dev.forum.notify.listener;

import dev.forum.contract.EventEnvelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * THE entry point for one event, used by the feed consumer for every event (and by tests): one
 * transaction for cursor + idempotency + side effects + the pushes to users' connections, written to
 * the push outbox ({@link EventHandler}); the push relay publishes them after the commit.
 */
@ApplicationScoped
public class EventProcessor {

    private final EventHandler handler;
    private final MeterRegistry registry;
    private final Counter notificationsCreated;

    public EventProcessor(EventHandler handler, MeterRegistry registry) {
        this.handler = handler;
        this.registry = registry;
        this.notificationsCreated = Counter.builder("notify.notifications.created")
                .description("Notifications stored (every recipient counts)").register(registry);
    }

    public Outcome process(EventEnvelope event) {
        EventHandler.Result result = handler.handle(event);
        registry.counter("notify.events.processed", "type", event.type().wireName(), "outcome",
                result.outcome().name().toLowerCase()).increment();
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
}
