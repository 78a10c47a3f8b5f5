package dev.forum.api.warmup.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.api.WarmUpProfile;
import dev.forum.api.config.ForumConfig;
import dev.forum.common.warmup.HeldWarmUp;
import dev.forum.contract.Channels;
import dev.forum.contract.EventShards;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import static dev.forum.api.RedisEvents.thread;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * The start-up warm-up: readiness waits for it, it runs the post limit's script and the relay's publish, and it leaves
 * nothing behind: no row, no Redis key, nothing on the events channels (one boot, in this order).
 */
@QuarkusTest
@TestProfile(WarmUpProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmUpRunnerTests {

    /** What the migrations insert: everything else starts empty. */
    private static final Map<String, Long> SEEDED = Map.of("everyone_setting", 1L, "outbox_relay_state", 1L,
            "outbox_shard_epoch", 1L, "outbox_shard_state", EventFeed.SHARDS + 1L);

    @Inject
    HeldWarmUp warmUp;

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RedisDataSource redis;

    @Inject
    ForumConfig config;

    /** What the warm-up published on its own channels (subscribed before it starts). */
    private static final List<JsonNode> WARM_UP_CHANNELS = new CopyOnWriteArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Order(1)
    void shouldReportNotReadyUntilTheWarmUpEnds() {
        await().atMost(Duration.ofMinutes(1)).until(warmUp::isHeld);
        redis.pubsub(String.class).subscribeToPatterns(
                List.of(WarmUpService.channels(config.redis().namespace()).eventsPattern()),
                (channel, message) -> {
                    try {
                        WARM_UP_CHANNELS.add(JSON.readTree(message));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        readiness().then().statusCode(503)
                .body("checks.find { it.name == 'warm-up' }.status", equalTo("DOWN"));

        warmUp.release();

        await().atMost(Duration.ofMinutes(2)).until(() -> readiness().statusCode() == 200);
        readiness().then().body("checks.find { it.name == 'warm-up' }.data.rounds", equalTo(WarmUpProfile.ROUNDS))
                // every round's HTTP half answered as expected (a 200 and a 404 per post), or the warm-up would stop
                .body("checks.find { it.name == 'warm-up' }.data.requests",
                        equalTo(2 * WarmUpProfile.ROUNDS * WarmUpProfile.POSTS_PER_ROUND))
                .body("checks.status", hasItem("UP"));
    }

    @Test
    @Order(2)
    void shouldLeaveNoRowInAnyTable() throws SQLException {
        awaitWarmUpEnded();

        Map<String, Long> rows = new HashMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String table : tables(st)) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        rows.put(table, rs.getLong(1));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT max(last_seq), max(published_seq) FROM outbox_shard_state")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
                assertThat(rs.getLong(2)).isZero();
            }
        }
        assertThat(rows).isEqualTo(SEEDED);
    }

    @Test
    @Order(3)
    void shouldPublishEveryPostsEventOnTheWarmUpChannelsOnly() {
        awaitWarmUpEnded();

        // the round's envelopes, numbered in a stream of their own (a negative epoch, no real one's)
        await().atMost(Duration.ofSeconds(15)).until(() -> WARM_UP_CHANNELS.stream()
                .filter(e -> "new_message".equals(e.path("type").asText())).count()
                == (long) WarmUpProfile.ROUNDS * WarmUpProfile.POSTS_PER_ROUND);
        assertThat(WARM_UP_CHANNELS).allSatisfy(e -> {
            assertThat(e.path("shard_epoch").asInt()).isNegative();
            assertThat(e.path("seq").asLong()).isPositive();
            assertThat(e.path("payload").isObject()).isTrue();
        });
        // nothing on the real events channels: a marker published now arrives after anything published before it
        String marker = "{\"type\":\"warm-up-test-marker\"}";
        redis.pubsub(String.class).publish(new Channels(config.redis().namespace(), Channels.DEFAULT_SHARD_COUNT)
                .events(EventShards.FORUM), marker);
        await().atMost(Duration.ofSeconds(15)).until(() -> !events.all().isEmpty());
        assertThat(events.all()).extracting(r -> r.event().path("type").asText())
                .containsExactly("warm-up-test-marker");
        // the post limit's keys of the rounds are gone (no real post yet)
        assertThat(redis.key().keys(config.redis().namespace() + ":ratelimit:*")).isEmpty();
    }

    @Test
    @Order(4)
    void shouldGiveTheNextRealPostTheNextSeq() {
        awaitWarmUpEnded();
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "after the warm-up");
        ForumApi.postMessage(alice, threadId, "the first real post");

        await().atMost(Duration.ofSeconds(15))
                .until(() -> events.matching(thread(threadId).and(e -> "new_message".equals(e.path("type").asText())))
                        .size() == 2);
        JsonPath feed = EventFeed.shard(EventFeed.shardOf(threadId), 0);
        List<Long> seqs = feed.getList("events.seq", Long.class);
        assertThat(feed.getLong("head_seq")).isGreaterThanOrEqualTo(2);
        assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, feed.getLong("head_seq")).boxed().toList());
    }

    private void awaitWarmUpEnded() {
        warmUp.release();
        await().atMost(Duration.ofMinutes(2)).until(() -> readiness().statusCode() == 200);
    }

    private static io.restassured.response.Response readiness() {
        return given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready");
    }

    private static List<String> tables(Statement st) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'flyway_schema_history'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
