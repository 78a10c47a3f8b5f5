package dev.forum.notify.listener;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.notify.ForumApiProcess;
import dev.forum.notify.ForumApiUsers.Session;
import dev.forum.notify.WithForumApi;
import dev.forum.notify.config.NotifyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.forum.notify.ForumApiUsers.createThread;
import static dev.forum.notify.ForumApiUsers.messageIds;
import static dev.forum.notify.ForumApiUsers.postMessage;
import static dev.forum.notify.ForumApiUsers.register;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where the consumer reads events: from the Redis pub/sub payload when its seq is the next one, from
 * forum-api's feed when pub/sub missed one. A real forum-api publishes to a namespace this service
 * does not listen to, so the test decides which of its events (read from its real feed) appear on the
 * channel this service subscribes to.
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
    void consumeTakesTheNextEventFromPubSubWithoutReadingTheFeed() {
        Session alice = register();
        long thread = createThread(alice, "Live");
        Session bob = register();
        catchUp();
        double fromFeed = read("feed");
        double fromPubSub = read("pubsub");

        long message = postMessage(alice, thread, "@" + bob.username() + " straight from Redis");
        List<EventEnvelope> events = numbered(1);
        publish(events.get(0));

        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(message));
        assertThat(consumer.cursor()).isEqualTo(events.get(0).seq());
        assertThat(read("pubsub") - fromPubSub).isEqualTo(1.0);
        assertThat(read("feed")).isEqualTo(fromFeed);
    }

    @Test
    void consumeFillsASeqGapFromTheFeed() {
        Session alice = register();
        long thread = createThread(alice, "Gap");
        Session bob = register();
        catchUp();
        double fromFeed = read("feed");

        long missed = postMessage(alice, thread, "@" + bob.username() + " never on Redis");
        long published = postMessage(alice, thread, "@" + bob.username() + " on Redis after a gap");
        List<EventEnvelope> events = numbered(2);
        publish(events.get(1));

        await().atMost(CONSUMED).until(() -> messageIds(bob).containsAll(List.of(missed, published)));
        assertThat(consumer.cursor()).isEqualTo(events.get(1).seq());
        assertThat(read("feed") - fromFeed).isEqualTo(2.0);
        assertThat(messageIds(bob)).filteredOn(id -> id == missed || id == published).hasSize(2);
    }

    /** Publishes forum-api's newest event, which makes the consumer read the feed up to it. */
    private void catchUp() {
        await().atMost(CONSUMED).until(consumer::leader);
        List<EventEnvelope> pending = feedAfter(consumer.cursor());
        if (!pending.isEmpty()) {
            publish(pending.get(pending.size() - 1));
        }
        long head = feed.events(config.internalToken(), 0, 1).headSeq();
        await().atMost(CONSUMED).until(() -> consumer.cursor() == head);
    }

    /** The events after the consumer's cursor, once forum-api's relay numbered {@code count} of them. */
    private List<EventEnvelope> numbered(int count) {
        long after = consumer.cursor();
        await().atMost(CONSUMED).until(() -> feedAfter(after).size() >= count);
        List<EventEnvelope> events = feedAfter(after);
        assertThat(events).hasSize(count);
        return events;
    }

    private List<EventEnvelope> feedAfter(long seq) {
        EventPage page = feed.events(config.internalToken(), seq, 100);
        return page.events();
    }

    private void publish(EventEnvelope event) {
        try {
            String channel = new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT).eventsShard(0);
            redis.pubsub(String.class).publish(channel, mapper.writeValueAsString(event));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private double read(String source) {
        return registry.get("notify.consumer.events.read").tag("source", source).counter().count();
    }
}
