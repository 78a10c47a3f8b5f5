package dev.forum.api.outbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.api.auth.Caller;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;

import static dev.forum.api.RedisEvents.thread;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class OutboxRelayTests {

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    OutboxRelay relay;

    @Inject
    ThreadService threads;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRows rows;

    @Inject
    RedisDataSource redis;

    @Inject
    ForumConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @ConfigProperty(name = "quarkus.datasource.username")
    String jdbcUser;

    @ConfigProperty(name = "quarkus.datasource.password")
    Optional<String> jdbcPassword;

    @Test
    void aSecondReplicasRelayStandsByAndTakesOverWhenTheLeaderStops() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "fail-over");
        OutboxRelay second = new OutboxRelay(dataSource, rows, redis, config, registry, jdbcUrl, jdbcUser, jdbcPassword);
        second.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(second::isStandingBy);
            assertThat(relay.isLeader()).isTrue();
            long before = ForumApi.postMessage(alice, threadId, "published by the first relay");
            events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == before);

            relay.stop();
            await().atMost(Duration.ofSeconds(10)).until(second::isLeader);
            long after = ForumApi.postMessage(alice, threadId, "published by the second relay");
            events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == after);
            assertThat(events.matching(e -> e.path("payload").path("message").path("id").asLong() == before)).hasSize(1);
        } finally {
            second.stop();
            relay.start();
        }
        await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
    }

    @Test
    void aCommitOnTheLeadersReplicaWakesItsRelayInProcessWithoutANotify() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(relay::isLeader);
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "woken in process");
        try (Connection listener = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword.orElse(""));
             Statement st = listener.createStatement()) {
            st.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);

            long id = ForumApi.postMessage(alice, threadId, "no NOTIFY in my commit");

            events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == id);
            st.execute("SELECT 1"); // a round trip, so that a notification sent before the publish has arrived
            PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications();
            assertThat(received == null ? List.of() : List.of(received)).isEmpty();
        }
    }

    @Test
    void rolledBackChangePublishesNothing() {
        TestUsers.TestUser alice = users.member();
        Caller caller = new Caller(0, new CurrentUser(alice.id(), alice.username(), alice.username(), Role.MEMBER, 0), null);
        String doomed = "doomed-" + UUID.randomUUID();

        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
            threads.persistThread(caller, doomed, "never committed", 0);
            throw new IllegalStateException("abort after the outbox write");
        })).isInstanceOf(IllegalStateException.class);
        long committed = ForumApi.createThread(alice, "committed after the rollback");

        events.await("new_thread_created", thread(committed));
        assertThat(events.matching(e -> e.toString().contains(doomed))).isEmpty();
        assertThat(feedAfter(0).getList("events.payload.thread.title", String.class)).doesNotContain(doomed);
    }

    @Test
    void relayRestartedAfterCommitsPublishesWhatWasPendingInOrderOnce() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "relay restart");
        events.await("new_message", thread(threadId));
        relay.stop();
        List<Long> messageIds = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                messageIds.add(ForumApi.postMessage(alice, threadId, "pending " + i));
            }
            assertThat(feedAfter(0).getList("events.payload.message.id", Long.class)).doesNotContainAnyElementsOf(messageIds);
        } finally {
            relay.start();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> publishedMessageIds(threadId).containsAll(messageIds));
        List<JsonNode> published = newMessages(threadId).stream()
                .filter(e -> messageIds.contains(e.path("payload").path("message").path("id").asLong())).toList();
        assertThat(published).extracting(e -> e.path("payload").path("message").path("id").asLong())
                .containsExactlyElementsOf(messageIds);
        assertThat(published).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void numberedRowWhosePublishWasNotRecordedIsRepublishedWithItsSeq() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "crash between seq and publish");
        JsonNode first = events.await("new_thread_created", thread(threadId));
        relay.stop();
        // What a crash after the publish and before recording it leaves: published_seq behind the published rows.
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("UPDATE outbox_relay_state SET published_seq = ? - 1")) {
            st.setLong(1, first.path("seq").asLong());
            assertThat(st.executeUpdate()).isEqualTo(1);
        } finally {
            relay.start();
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> events.matching(
                e -> e.path("event_id").asText().equals(first.path("event_id").asText())).size() == 2);
        assertThat(events.matching(e -> e.path("event_id").asText().equals(first.path("event_id").asText())))
                .extracting(e -> e.path("seq").asLong()).containsOnly(first.path("seq").asLong());
    }

    @Test
    void concurrentWritersGetAGapFreeStrictlyIncreasingSeq() throws Exception {
        int writers = 6;
        int perWriter = 8;
        List<TestUsers.TestUser> authors = new ArrayList<>();
        List<Long> threadIds = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            TestUsers.TestUser author = users.member();
            authors.add(author);
            threadIds.add(ForumApi.createThread(author, "concurrent " + i));
        }
        threadIds.forEach(id -> events.await("new_message", thread(id)));
        long before = feedAfter(0).getLong("head_seq");

        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            TestUsers.TestUser author = authors.get(w);
            long shared = threadIds.get(w % 2);
            done.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    ForumApi.postMessage(author, shared, author.username() + " " + i);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        int expectedMessages = writers * perWriter;
        await().atMost(Duration.ofSeconds(15)).until(() -> events.matching(
                e -> e.path("seq").asLong() > before && "new_message".equals(e.path("type").asText())).size()
                >= expectedMessages);
        JsonPath feed = feedAfter(before);
        List<Long> seqs = feed.getList("events.seq", Long.class);
        long head = feed.getLong("head_seq");
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(before + 1, head).boxed().toList());
        assertThat(feed.getList("events.type", String.class).stream().filter("new_message"::equals).count())
                .isEqualTo(expectedMessages);
        List<Long> redisOrder = events.matching(e -> e.path("seq").asLong() > before).stream()
                .map(e -> e.path("seq").asLong()).toList();
        assertThat(redisOrder).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void eventOfATransactionThatCommitsAfterLaterOnesWereNumberedIsNumberedAndPublished() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "long transaction");
        events.await("new_message", thread(threadId));
        UUID late = UUID.randomUUID();
        try (Connection held = dataSource.getConnection()) {
            held.setAutoCommit(false);
            try (PreparedStatement st = held.prepareStatement("""
                    INSERT INTO outbox_event (id, aggregate_type, aggregate_id, type, audience, thread_id, payload)
                    VALUES (?, 'thread', ?, 'thread_updated', 'thread', ?, '{"updates": {"title": "late"}}')""")) {
                st.setObject(1, late);
                st.setString(2, Long.toString(threadId));
                st.setLong(3, threadId);
                st.executeUpdate();
            }
            try (PreparedStatement st = held.prepareStatement("SELECT pg_notify('" + OutboxWriter.NOTIFY_CHANNEL + "', '')")) {
                st.executeQuery().close();
            }
            // Later writers commit first and are numbered while the held transaction is still running.
            for (int i = 0; i < 3; i++) {
                long id = ForumApi.postMessage(alice, threadId, "before the late one " + i);
                events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == id);
            }
            held.commit();
        }

        JsonNode published = events.await("thread_updated", e -> e.path("event_id").asText().equals(late.toString()));
        long before = published.path("seq").asLong() - 10;
        JsonPath feed = feedAfter(Math.max(0, before));
        List<Long> seqs = feed.getList("events.seq", Long.class);
        assertThat(seqs).containsExactlyElementsOf(
                LongStream.rangeClosed(seqs.get(0), feed.getLong("head_seq")).boxed().toList());
        assertThat(feed.getList("events.event_id", String.class)).contains(late.toString());
    }

    @Test
    void publishedTextIsTheEnvelopeOfTheFeed() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "text <\"quoted\"> & ünïcode");
        JsonNode received = events.await("new_thread_created", thread(threadId));
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event WHERE seq = ?")) {
            st.setLong(1, received.path("seq").asLong());
            try (java.sql.ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                JsonNode viaEnvelope = json.readTree(rows.toJson(rows.envelope(rs)));
                JsonNode published = json.readTree(rows.publishable(rs).json());
                assertThat(published).isEqualTo(viaEnvelope);
                assertThat(published).isEqualTo(received);
            }
        }
    }

    private List<JsonNode> newMessages(long threadId) {
        return events.matching(e -> "new_message".equals(e.path("type").asText()) && thread(threadId).test(e));
    }

    private List<Long> publishedMessageIds(long threadId) {
        return newMessages(threadId).stream().map(e -> e.path("payload").path("message").path("id").asLong()).toList();
    }

    private static JsonPath feedAfter(long afterSeq) {
        return given().header("X-Internal-Token", "test-internal-token")
                .queryParam("after_seq", afterSeq).queryParam("limit", 1000)
                .get("/api/internal/events").then().statusCode(200).extract().jsonPath();
    }
}
