package dev.forum.notify.warmup;

import dev.forum.common.warmup.HeldWarmUp;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PushRecorder;
import dev.forum.notify.WarmUpProfile;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.push.NotificationPublisher;
import io.agroal.api.AgroalDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

/**
 * The start-up warm-up: readiness waits for it, it runs the consumer path on its synthetic events (they create
 * notifications), and it leaves nothing behind: no row, no Redis key, no push (one boot, in this order).
 */
@QuarkusTest
@TestProfile(WarmUpProfile.class)
@QuarkusTestResource(NotifyTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmUpRunnerTests {

    /** Every table's row count while the warm-up was held, before its first round. */
    private static Map<String, Long> before;

    @Inject
    HeldWarmUp warmUp;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RedisDataSource redis;

    @Inject
    NotifyConfig config;

    @Inject
    PushRecorder pushes;

    @Inject
    NotificationPublisher publisher;

    @Test
    @Order(1)
    void shouldReportNotReadyUntilTheWarmUpEnds() throws SQLException {
        await().atMost(Duration.ofMinutes(1)).until(warmUp::isHeld);
        before = rowCounts();
        readiness().then().statusCode(503)
                .body("checks.find { it.name == 'warm-up' }.status", equalTo("DOWN"));

        warmUp.release();

        await().atMost(Duration.ofMinutes(2)).until(() -> readiness().statusCode() == 200);
        readiness().then()
                .body("checks.find { it.name == 'warm-up' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'warm-up' }.data.rounds", equalTo(WarmUpProfile.ROUNDS))
                // every event processed (none skipped as consumed or duplicated), and mentions, replies and the
                // followers' fan-out made notifications
                .body("checks.find { it.name == 'warm-up' }.data.events",
                        equalTo(WarmUpProfile.ROUNDS * WarmUpProfile.EVENTS_PER_ROUND))
                .body("checks.find { it.name == 'warm-up' }.data.notifications", greaterThan(WarmUpProfile.ROUNDS));
    }

    @Test
    @Order(2)
    void shouldLeaveNoRowInAnyTable() throws SQLException {
        awaitWarmUpEnded();

        assertThat(rowCounts()).isEqualTo(before);
    }

    @Test
    @Order(3)
    void shouldPushNothingAndLeaveNoRedisKey() {
        awaitWarmUpEnded();

        // a marker published now arrives after anything the push relay could have published before it
        redis.pubsub(String.class).publish(publisher.channel(), "{\"type\":\"warm-up-test-marker\"}");
        await().atMost(Duration.ofSeconds(15)).until(() -> !pushes.matching(e -> true).isEmpty());
        assertThat(pushes.matching(e -> true)).extracting(e -> e.path("type").asText())
                .containsExactly("warm-up-test-marker");
        assertThat(redis.key().keys(config.redis().namespace() + ":*")).isEmpty();
    }

    private void awaitWarmUpEnded() {
        warmUp.release();
        await().atMost(Duration.ofMinutes(2)).until(() -> readiness().statusCode() == 200);
    }

    private static Response readiness() {
        return given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready");
    }

    private Map<String, Long> rowCounts() throws SQLException {
        Map<String, Long> rows = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (String table : tables(st)) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                    rs.next();
                    rows.put(table, rs.getLong(1));
                }
            }
        }
        return rows;
    }

    private static List<String> tables(Statement st) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
