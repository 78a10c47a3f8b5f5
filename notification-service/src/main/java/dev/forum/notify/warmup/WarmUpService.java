package dev.forum.notify.warmup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.deadletter.DeadLetterService;
import dev.forum.notify.listener.EventHandler;
import dev.forum.notify.listener.EventProcessor;
import dev.forum.notify.listener.FeedStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.UserTransaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One round of notification-service's consumer path that leaves nothing behind, for the start-up warm-up
 * ({@link WarmUpRunner}): the JIT compilers see the code an event runs before the first real events arrive.
 *
 * <h2>What a round runs</h2>
 * {@link WarmUpEvents}' synthetic events as the JSON text forum-api publishes, decoded into envelopes as the feed
 * consumer decodes a pub/sub payload, then {@link EventProcessor#processEach} as a drain round calls it, in one
 * transaction: the runs of two streams, each claiming its cursor, the processed-events check, the projections,
 * mentions, replies, follower fan-out, the notifications and unread counts, and the push outbox's envelopes.
 *
 * <h2>Why nothing lasts</h2>
 * The transaction always rolls back, so no row of it is ever visible to anyone, and the push relay, which is woken
 * only after a commit, publishes nothing: nothing reaches Redis. The synthetic events name only rows of their own
 * (negative ids, cursors of a negative shard epoch). What a rollback does not undo: the {@code notifications} and
 * {@code push_outbox} id sequences skip some values, which nothing relies on (the relay publishes by id order of
 * committed rows), and dead row versions, which autovacuum removes. While a round runs it holds the push outbox's
 * order lock, as every consumer transaction does, so a real one waits for it (one transaction's worth of events).
 * The processor is an instance of the warm-up's own, counting into a meter registry of its own: the service's
 * {@code notify_events_processed_total} and {@code notify_notifications_created_total} count real events only.
 */
@ApplicationScoped
public class WarmUpService {

    private final EventProcessor processor;
    private final MeterRegistry counts = new SimpleMeterRegistry();
    private final ObjectMapper json;
    private final UserTransaction transaction;
    private final int shardCount;

    public WarmUpService(EventHandler handler, DeadLetterService deadLetters, NotifyConfig config, ObjectMapper json,
            UserTransaction transaction) {
        this.processor = new EventProcessor(handler, deadLetters, config, counts);
        this.json = json;
        this.transaction = transaction;
        this.shardCount = config.events().shardCount();
    }

    /** Processes {@code events} synthetic events in one transaction that rolls back, whatever happens. */
    public void runRound(int events) throws Exception {
        List<EventEnvelope> decoded = new ArrayList<>(events);
        for (String text : WarmUpEvents.round(json, shardCount, events)) {
            decoded.add(json.readValue(text, EventEnvelope.class));
        }
        transaction.begin();
        try {
            Map<FeedStream, RuntimeException> failures = processor.processEach(decoded);
            if (!failures.isEmpty()) {
                throw new IllegalStateException("warm-up events failed in " + failures.keySet(),
                        failures.values().iterator().next());
            }
        } finally {
            transaction.rollback();
        }
    }

    /** Events the rounds processed so far (each in a transaction that rolled back). */
    public long processed() {
        return (long) counts.find("notify.events.processed").tag("outcome", "processed").counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    /** Notifications the rounds created so far (none of them lasted). */
    public long notifications() {
        return (long) counts.find("notify.notifications.created").counters().stream().mapToDouble(Counter::count).sum();
    }
}
