package dev.forum.notify.notification.rest;

import dev.forum.notify.ForumApiProcess;
import dev.forum.notify.ForumApiUsers.Session;
import dev.forum.notify.WithForumApi;
import dev.forum.notify.listener.ConsumerLeadership;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static dev.forum.notify.ForumApiUsers.asUser;
import static dev.forum.notify.ForumApiUsers.createThread;
import static dev.forum.notify.ForumApiUsers.forumApi;
import static dev.forum.notify.ForumApiUsers.messageIds;
import static dev.forum.notify.ForumApiUsers.postMessage;
import static dev.forum.notify.ForumApiUsers.register;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * End to end with a real forum-api process: users act through forum-api's REST API; this service
 * consumes forum-api's event feed over HTTP (woken by Redis), authenticates callers with forum-api's
 * {@code /api/auth/me}, and serves the notification REST API. Needs forum-api's packaged jar (the
 * reactor builds forum-api first; with {@code -pl} run {@code mvn -pl forum-api package -DskipTests} once).
 */
@QuarkusTest
@TestProfile(WithForumApi.class)
@EnabledIf(value = "dev.forum.notify.ForumApiProcess#jarAvailable",
        disabledReason = "forum-api is not packaged (the full build packages it before this module)")
class NotificationFlowTests {

    private static final Duration CONSUMED = Duration.ofSeconds(20);

    @Test
    void shouldListMentionFromForumApiMessage() {
        Session alice = register();
        Session bob = register();
        long thread = createThread(alice, "Plans");

        long message = postMessage(alice, thread, "what do you think @" + bob.username() + "?");

        await().atMost(CONSUMED).until(() -> types(bob).contains("mention"));
        JsonPath page = asUser(bob).get("/api/forum/notifications").then().statusCode(200).extract().jsonPath();
        Map<String, Object> mention = page.<Map<String, Object>>getList("notifications").stream()
                .filter(n -> "mention".equals(n.get("type"))).findFirst().orElseThrow();
        assertThat(((Number) mention.get("message_id")).longValue()).isEqualTo(message);
        assertThat(((Number) mention.get("thread_id")).longValue()).isEqualTo(thread);
        assertThat(mention.get("is_read")).isEqualTo(false);
    }

    @Test
    void shouldCountUnreadPerThreadAndClearOnThreadRead() {
        Session alice = register();
        long thread = createThread(alice, "Counts");
        Session bob = register();
        postMessage(alice, thread, "@" + bob.username() + " one");
        postMessage(alice, thread, "@" + bob.username() + " two");

        await().atMost(CONSUMED).until(() -> unreadTotal(bob) == 2);
        asUser(bob).get("/api/forum/notifications/unread-counts").then().statusCode(200)
                .body("threads." + thread, equalTo(2));

        asUser(bob).post("/api/forum/threads/" + thread + "/notifications/read").then().statusCode(200)
                .body("marked_read", equalTo(2)).body("total_unread", equalTo(0));
        assertThat(unreadTotal(bob)).isZero();
    }

    @Test
    void shouldNotifyFollowerOfNewMessageButNotItsAuthor() {
        Session alice = register();
        long thread = createThread(alice, "Followed");
        Session bob = register();
        postMessage(bob, thread, "I follow by posting");

        long news = postMessage(alice, thread, "news for followers");

        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(news));
        assertThat(messageIds(alice)).doesNotContain(news);
    }

    @Test
    void shouldListAFollowedThreadsNewMessagesAsOneGroup() {
        Session alice = register();
        long thread = createThread(alice, "Grouped");
        Session bob = register();
        long first = postMessage(bob, thread, "one");
        postMessage(bob, thread, "two");

        await().atMost(CONSUMED).until(() -> groupOf(alice, thread)
                .map(g -> ((Number) g.get("message_count")).intValue() == 2).orElse(false));
        Map<String, Object> group = groupOf(alice, thread).orElseThrow();
        assertThat(((Number) group.get("message_id")).longValue()).isEqualTo(first);
        assertThat(group.get("authors")).isEqualTo(List.of(bob.username()));
        assertThat(group.get("content")).isEqualTo("2 new messages in \u201cGrouped\u201d from " + bob.username());
        assertThat(group.get("title")).isEqualTo("New messages");
        assertThat(unreadTotal(alice)).isEqualTo(1);
    }

    @Test
    void shouldMarkAllReadAndPageWithCursor() {
        Session alice = register();
        long thread = createThread(alice, "Paging");
        Session bob = register();
        for (int i = 0; i < 3; i++) {
            postMessage(alice, thread, "@" + bob.username() + " #" + i);
        }
        await().atMost(CONSUMED).until(() -> unreadTotal(bob) == 3);

        JsonPath first = asUser(bob).queryParam("limit", 2).get("/api/forum/notifications").then().statusCode(200)
                .extract().jsonPath();
        assertThat(first.getList("notifications")).hasSize(2);
        JsonPath second = asUser(bob).queryParam("limit", 2).queryParam("cursor", first.getString("next_cursor"))
                .get("/api/forum/notifications").then().statusCode(200).extract().jsonPath();
        assertThat(second.getList("notifications")).hasSize(1);
        assertThat(second.getString("next_cursor")).isNull();

        asUser(bob).post("/api/forum/notifications/mark-all-read").then().statusCode(200)
                .body("marked_read", equalTo(3));
        asUser(bob).queryParam("unread_only", true).get("/api/forum/notifications").then().statusCode(200)
                .body("notifications.size()", equalTo(0));
    }

    @Test
    void shouldMarkOneNotificationReadAndRefuseOthersNotifications() {
        Session alice = register();
        long thread = createThread(alice, "One");
        Session bob = register();
        postMessage(alice, thread, "@" + bob.username());
        await().atMost(CONSUMED).until(() -> unreadTotal(bob) == 1);
        long id = asUser(bob).get("/api/forum/notifications").then().extract().jsonPath()
                .getLong("notifications[0].id");

        asUser(alice).post("/api/forum/notifications/" + id + "/read").then().statusCode(404)
                .body("error.code", equalTo("not_found"));
        asUser(bob).post("/api/forum/notifications/" + id + "/read").then().statusCode(200)
                .body("marked_read", equalTo(1)).body("total_unread", equalTo(0));
    }

    @Test
    void shouldRejectBadParametersWithFieldErrors() {
        Session alice = register();

        asUser(alice).queryParam("limit", 0).get("/api/forum/notifications").then().statusCode(400)
                .body("error.code", equalTo("invalid_parameter")).body("error.field", equalTo("limit"));
        asUser(alice).queryParam("cursor", "abc").get("/api/forum/notifications").then().statusCode(400)
                .body("error.field", equalTo("cursor"));
        asUser(alice).post("/api/forum/threads/x/notifications/read").then().statusCode(400)
                .body("error.field", equalTo("id"));
    }

    @Test
    void shouldRejectForgedToken() {
        given().header("Authorization", "Bearer forged-" + UUID.randomUUID()).get("/api/forum/notifications")
                .then().statusCode(401).body("error.code", equalTo("unauthorized"));
    }

    @Test
    void shouldRejectSessionAfterLogout() {
        Session bob = register();
        asUser(bob).get("/api/forum/notifications").then().statusCode(200); // now cached here

        forumApi().header("Authorization", "Bearer " + bob.token()).post("/api/auth/logout").then()
                .statusCode(org.hamcrest.Matchers.lessThan(300));

        await().atMost(CONSUMED).untilAsserted(() ->
                asUser(bob).get("/api/forum/notifications").then().statusCode(401));
    }

    @Test
    void shouldKeepConsumingThroughRedisOutageAndAfterRestart() {
        Session alice = register();
        long thread = createThread(alice, "Outage");
        Session bob = register();
        ForumApiProcess.redis.stop();
        long during;
        try {
            during = postMessage(alice, thread, "@" + bob.username() + " while Redis is down");

            await().atMost(CONSUMED).until(() -> messageIds(bob).contains(during));
            given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready").then().statusCode(200);
        } finally {
            ForumApiProcess.redis.start();
        }
        long after = postMessage(alice, thread, "@" + bob.username() + " Redis is back");

        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(after));
        assertThat(messageIds(bob)).filteredOn(id -> id == during || id == after).hasSize(2);
    }

    @Test
    void shouldConsumeOnlyWhileLeaderAndTakeOverWhenTheOtherLeaderDies() throws Exception {
        Session alice = register();
        long thread = createThread(alice, "Replicas");
        Session bob = register();
        await().atMost(CONSUMED).until(NotificationFlowTests::leader);
        long before = postMessage(alice, thread, "@" + bob.username() + " before");
        await().atMost(CONSUMED).until(() -> messageIds(bob).contains(before));

        long key = ConsumerLeadership.lockKey(consumerId);
        try (Connection otherReplica = DriverManager.getConnection(jdbcUrl, jdbcUser, "")) {
            // This replica's leader session dies; the "other replica" takes the lock before it retries.
            terminateLockHolder(otherReplica, key);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> tryAdvisoryLock(otherReplica, key));
            await().atMost(Duration.ofSeconds(5)).until(() -> !leader());

            long whileStandingBy = postMessage(alice, thread, "@" + bob.username() + " while standing by");
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4))
                    .until(() -> !messageIds(bob).contains(whileStandingBy));

            // The other leader dies: its session ends, PostgreSQL releases the lock, this replica takes over.
            otherReplica.close();
            await().atMost(CONSUMED).until(() -> leader() && messageIds(bob).contains(whileStandingBy));
        }
        assertThat(messageIds(bob)).filteredOn(id -> id == before).hasSize(1);
    }

    // ---- replicas: the consumer lock as a second replica sees it

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;
    @ConfigProperty(name = "quarkus.datasource.username")
    String jdbcUser;
    @ConfigProperty(name = "notify.consumer.id")
    String consumerId;

    private static boolean leader() {
        return given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready").then().statusCode(200)
                .extract().jsonPath()
                .getBoolean("checks.find { it.name == 'notification-consumer' }.data.leader");
    }

    private static void terminateLockHolder(Connection c, long key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("""
                SELECT pg_terminate_backend(pid) FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND database = (
                    SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid::bigint = ? AND objid::bigint = ? AND objsubid = 1""")) {
            st.setLong(1, key >>> 32);
            st.setLong(2, key & 0xffffffffL);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("a session holds the consumer lock").isTrue();
            }
        }
    }

    private static boolean tryAdvisoryLock(Connection c, long key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            st.setLong(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The user's only new_message notification of the thread, if any. */
    private static Optional<Map<String, Object>> groupOf(Session s, long thread) {
        List<Map<String, Object>> groups = asUser(s).queryParam("limit", 100).get("/api/forum/notifications").then()
                .statusCode(200).extract().jsonPath().<Map<String, Object>>getList("notifications").stream()
                .filter(n -> "new_message".equals(n.get("type")) && ((Number) n.get("thread_id")).longValue() == thread)
                .toList();
        assertThat(groups).hasSizeLessThanOrEqualTo(1);
        return groups.stream().findFirst();
    }

    private static List<String> types(Session s) {
        return asUser(s).queryParam("limit", 100).get("/api/forum/notifications").then().statusCode(200).extract()
                .jsonPath().getList("notifications.type");
    }

    private static long unreadTotal(Session s) {
        return asUser(s).get("/api/forum/notifications/unread-counts").then().statusCode(200).extract().jsonPath()
                .getLong("total");
    }
}
