package dev.forum.notify.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Audience;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositions;
import dev.forum.contract.EventShards;
import dev.forum.contract.EventType;
import dev.forum.notify.Events;
import dev.forum.notify.ForumApiProcess;
import dev.forum.notify.ForumApiUsers.Session;
import dev.forum.notify.Notifications;
import dev.forum.notify.WithForumApi;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static dev.forum.notify.ForumApiUsers.createThread;
import static dev.forum.notify.ForumApiUsers.messageIds;
import static dev.forum.notify.ForumApiUsers.postMessage;
import static dev.forum.notify.ForumApiUsers.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the consumer reads forum-api's sharded streams: one cursor per shard; a shard's next event from its Redis
 * channel, from the feed when pub/sub missed one of that shard (the other shards go on); each event once whatever
 * brought it; the legacy global stream before the shards; after a takeover every shard from its stored cursor.
 * A real forum-api publishes to a namespace this service does not listen to, so the test decides which of its
 * events (read from its real feed) appear on the channels this service subscribes to, and when the feed is read.
 */
@QuarkusTest
@TestProfile(LiveEventsTests.MirroredEvents.class)
@EnabledIf(value = "dev.forum.notify.ForumApiProcess#jarAvailable",
        disabledReason = "forum-api is not packaged (the full build packages it before this module)")
class LiveEventsTests {

    private static final Duration CONSUMED = Duration.ofSeconds(20);

    /** forum-api publishes to {@code <ns>_src}; the feed poll waits far longer than any test. */
    public static class MirroredEvents extends WithForumApi {

        public static class ForumApiOnOtherNamespace extends ForumApiProcess {
            @Override
            protected String publishNamespace(String serviceNamespace) {
                return serviceNamespace + "_src";
            }
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("notify.consumer.enabled", "true", "notify.consumer.idle-poll-interval", "1h");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ForumApiOnOtherNamespace.class));
        }
    }

    @Inject
    FeedConsumer consumer;
    @Inject
    CursorStore cursors;
    @Inject
    Notifications notifications;
    @Inject
    MeterRegistry registry;
    @Inject
    RedisDataSource redis;
    @Inject
    ObjectMapper mapper;
    @Inject
    NotifyConfig config;
    @Inject
    @RestClient
    EventFeedClient feed;

    @Test
    void consumeTakesTheNextEventOfAShardFromPubSubWithoutReadingTheFeed() {
        Session alice = register();
        long thread = createThread(alice, "Live");
        Session bob = register();
        catchUp();
        double fromFeed = read("feed");
        double fromPubSub = read("pubsub");

        long message = postMessage(alice, thread, "@" + bob.username() + " straight from Redis");
        EventEnvelope event = numberedMessages(thread, 1).get(0);
        publish(event);

        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(message));
        assertThat(consumer.cursor(streamOf(thread))).isEqualTo(event.seq());
        assertThat(read("pubsub") - fromPubSub).isEqualTo(1.0);
        assertThat(read("feed")).isEqualTo(fromFeed);
    }

    @Test
    void consumeFillsAGapInOneShardFromTheFeedWhileAnotherShardGoesOnFromPubSub() {
        Session alice = register();
        long gapped = createThread(alice, "Gap");
        long other = threadInAnotherShard(alice, gapped);
        Session bob = register();
        catchUp();
        double fromFeed = read("feed");
        double fromPubSub = read("pubsub");

        long missed = postMessage(alice, gapped, "@" + bob.username() + " never on Redis");
        long afterGap = postMessage(alice, gapped, "@" + bob.username() + " on Redis after a gap");
        long elsewhere = postMessage(alice, other, "@" + bob.username() + " on Redis in another shard");
        List<EventEnvelope> gappedEvents = numberedMessages(gapped, 2);
        EventEnvelope otherEvent = numberedMessages(other, 1).get(0);
        publish(gappedEvents.get(1));
        publish(otherEvent);

        await().atMost(CONSUMED).until(() -> messageIds(bob).containsAll(List.of(missed, afterGap, elsewhere)));
        assertThat(consumer.cursor(streamOf(gapped))).isEqualTo(gappedEvents.get(1).seq());
        assertThat(consumer.cursor(streamOf(other))).isEqualTo(otherEvent.seq());
        assertThat(read("feed") - fromFeed).isEqualTo(2.0);
        assertThat(read("pubsub") - fromPubSub).isEqualTo(1.0);
        assertThat(messageIds(bob)).filteredOn(id -> id == missed || id == afterGap || id == elsewhere).hasSize(3);
    }

    @Test
    void consumeAdvancesEachShardsStoredCursorOnItsOwn() {
        Session alice = register();
        long first = createThread(alice, "First shard");
        long second = threadInAnotherShard(alice, first);
        Session bob = register();
        catchUp();
        long secondBefore = stored(streamOf(second));

        long one = postMessage(alice, first, "@" + bob.username() + " one");
        long two = postMessage(alice, first, "@" + bob.username() + " two");
        long three = postMessage(alice, second, "@" + bob.username() + " three");
        List<EventEnvelope> firstEvents = numberedMessages(first, 2);
        EventEnvelope secondEvent = numberedMessages(second, 1).get(0);
        consumer.readFeed(List.of(shardOf(first)));

        await().atMost(CONSUMED).until(() -> messageIds(bob).containsAll(List.of(one, two)));
        assertThat(stored(streamOf(first))).isEqualTo(firstEvents.get(1).seq());
        assertThat(stored(streamOf(second))).isEqualTo(secondBefore);
        assertThat(messageIds(bob)).doesNotContain(three);

        consumer.readFeed(List.of(shardOf(second)));

        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(three));
        assertThat(stored(streamOf(second))).isEqualTo(secondEvent.seq());
    }

    @Test
    void consumeProcessesAnEventThatPubSubAndTheFeedBothBringOnce() {
        Session alice = register();
        long thread = createThread(alice, "Twice");
        Session bob = register();
        catchUp();
        double processed = processed("new_message", "processed");

        long message = postMessage(alice, thread, "@" + bob.username() + " brought twice");
        EventEnvelope event = numberedMessages(thread, 1).get(0);
        publish(event);
        consumer.readFeed(List.of(shardOf(thread)));
        publish(event);

        await().atMost(CONSUMED).until(() -> consumer.cursor(streamOf(thread)) == event.seq()
                && messageIds(bob).contains(message));
        catchUp();
        assertThat(messageIds(bob)).filteredOn(id -> id == message).hasSize(1);
        assertThat(notifications.countForMessage(message, "mention")).isEqualTo(1);
        assertThat(processed("new_message", "processed") - processed).isEqualTo(1.0);
    }

    @Test
    void takeOverResumesEveryShardFromItsStoredCursor() {
        Session alice = register();
        long first = createThread(alice, "Resume one");
        long second = threadInAnotherShard(alice, first);
        long third = threadInAnotherShard(alice, first, second);
        Session bob = register();
        catchUp();
        double fromFeed = read("feed");
        long consumedBefore = consumer.cursor();
        double redelivered = processed(null, "already_consumed") + processed(null, "duplicate");

        List<Long> posted = List.of(postMessage(alice, first, "@" + bob.username() + " a"),
                postMessage(alice, second, "@" + bob.username() + " b"),
                postMessage(alice, third, "@" + bob.username() + " c"));
        numberedMessages(first, 1);
        numberedMessages(second, 1);
        numberedMessages(third, 1);
        consumer.tookOver();

        await().atMost(CONSUMED).until(() -> messageIds(bob).containsAll(posted));
        catchUp();
        // Each event read once: the cursors moved by exactly what the feed served, nothing was read again.
        assertThat(read("feed") - fromFeed).isEqualTo((double) (consumer.cursor() - consumedBefore));
        assertThat(processed(null, "already_consumed") + processed(null, "duplicate")).isEqualTo(redelivered);
        for (long thread : List.of(first, second, third)) {
            assertThat(stored(streamOf(thread))).isEqualTo(consumer.cursor(streamOf(thread)));
        }
    }

    @Test
    void consumeFinishesTheLegacyStreamBeforeTheShards() throws SQLException {
        Session alice = register();
        long thread = createThread(alice, "After the switch");
        catchUp();
        long legacyUser = Events.nextId();
        String legacyName = "legacy_" + legacyUser;
        // Written before forum-api sharded its events: the user is known only from the legacy stream.
        long legacySeq = appendToLegacyStream(Events.userRegistered(legacyUser, legacyName, "member", 0));
        long message = postMessage(alice, thread, "@" + legacyName + " mentioned in a shard");
        numberedMessages(thread, 1);

        consumer.tookOver();

        await().atMost(CONSUMED).until(() -> notifications.countForMessage(message, "mention") == 1);
        assertThat(consumer.legacyFinished()).isTrue();
        assertThat(stored(FeedStream.LEGACY)).isEqualTo(legacySeq);
        assertThat(notifications.typesForUser(legacyUser)).containsExactly("mention");
    }

    // ---- the feed as the test reads it

    /** Reads every shard's feed and waits until the consumer has processed all of it. */
    private void catchUp() {
        await().atMost(CONSUMED).until(consumer::leader);
        await().atMost(CONSUMED).until(() -> consumer.shardEpoch() > 0);
        consumer.readFeed(shards());
        await().atMost(CONSUMED).until(() -> pendingEvents().values().stream().allMatch(List::isEmpty));
    }

    /** The thread's {@code new_message} events after the consumer's cursor, once the relay numbered {@code count}. */
    private List<EventEnvelope> numberedMessages(long thread, int count) {
        await().atMost(CONSUMED).until(() -> messagesPending(thread).size() >= count);
        List<EventEnvelope> events = messagesPending(thread);
        assertThat(events).hasSize(count);
        return events;
    }

    private List<EventEnvelope> messagesPending(long thread) {
        return pendingEvents().get(shardOf(thread)).stream()
                .filter(e -> e.type() == EventType.NEW_MESSAGE && e.threadId() == thread).toList();
    }

    /** Every shard's events after the consumer's cursor, by shard. */
    private Map<Integer, List<EventEnvelope>> pendingEvents() {
        Map<Integer, Long> after = new TreeMap<>();
        shards().forEach(shard -> after.put(shard, consumer.cursor(FeedStream.shard(consumer.shardEpoch(), shard))));
        return feed.positions(config.internalToken(), new EventPositions(consumer.shardEpoch(), after, 100)).pages()
                .stream().collect(Collectors.toMap(EventPage::shard, EventPage::events));
    }

    private List<Integer> shards() {
        return EventShards.all(consumer.shardCount()).boxed().toList();
    }

    private int shardOf(long thread) {
        return EventShards.shardOf(Audience.THREAD, thread, consumer.shardCount());
    }

    private FeedStream streamOf(long thread) {
        return FeedStream.shard(consumer.shardEpoch(), shardOf(thread));
    }

    /** A new thread whose shard differs from those of {@code others}. */
    private long threadInAnotherShard(Session creator, long... others) {
        while (true) {
            long thread = createThread(creator, "Another shard");
            if (java.util.Arrays.stream(others).noneMatch(other -> shardOf(other) == shardOf(thread))) {
                return thread;
            }
        }
    }

    private long stored(FeedStream stream) {
        return cursors.current(config.consumer().id(), stream);
    }

    /** Publishes the event on its shard's channel, where this service listens. */
    private void publish(EventEnvelope event) {
        try {
            String channel = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT)
                    .events(event.shard());
            redis.pubsub(String.class).publish(channel, mapper.writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Appends an event to forum-api's legacy global stream as a forum-api before sharding did: the next global
     * seq, no shard. Returns that seq.
     */
    private long appendToLegacyStream(EventEnvelope event) throws SQLException {
        try (Connection c = DriverManager.getConnection(ForumApiProcess.jdbcUrl, "postgres", "")) {
            c.setAutoCommit(false);
            long seq;
            try (PreparedStatement st = c.prepareStatement(
                    "UPDATE outbox_relay_state SET last_seq = last_seq + 1, published_seq = last_seq + 1 "
                            + "WHERE id = 1 RETURNING last_seq");
                 var rs = st.executeQuery()) {
                rs.next();
                seq = rs.getLong(1);
            }
            try (PreparedStatement st = c.prepareStatement("""
                    INSERT INTO outbox_event (id, aggregate_type, aggregate_id, type, audience, payload, seq)
                    VALUES (?, ?, ?, ?, ?, ?::json, ?)""")) {
                st.setObject(1, event.eventId());
                st.setString(2, event.aggregateType());
                st.setString(3, event.aggregateId());
                st.setString(4, event.type().wireName());
                st.setString(5, event.audience().wireName());
                st.setString(6, event.payload().toString());
                st.setLong(7, seq);
                st.executeUpdate();
            }
            c.commit();
            return seq;
        }
    }

    private double read(String source) {
        return registry.get("notify.consumer.events.read").tag("source", source).counter().count();
    }

    /** Events of this type (null: any) handled with this outcome. */
    private double processed(String type, String outcome) {
        Search search = Search.in(registry).name("notify.events.processed").tag("outcome", outcome);
        return (type == null ? search : search.tag("type", type)).counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }
}
