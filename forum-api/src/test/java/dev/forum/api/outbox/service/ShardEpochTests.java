package dev.forum.api.outbox.service;

import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.contract.Audience;
import dev.forum.contract.EventShards;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A change of the shard count opens a new epoch; the old one stays readable to its end (on a database of its own: the
 * app's relay, still at 16 shards, is stopped for good here; the tests run in order, each opening epochs after the
 * previous one's).
 */
@QuarkusTest
@TestProfile(ShardEpochTests.OwnDatabase.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ShardEpochTests {

    private static final int NEW_SHARDS = 8;

    /** Any profile of its own gets a fresh Quarkus boot, and with it a fresh database. */
    public static class OwnDatabase implements QuarkusTestProfile {
    }

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    OutboxRelay relay;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RelayReplicas replicas;


    @Inject
    OutboxPurger purger;

    @Test
    @Order(1)
    void aNewShardCountOpensAnEpochThatNumbersWhatWasPendingWhileTheOldOneStaysReadableToItsEnd() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "before the change of N");
        long numbered = ForumApi.postMessage(alice, threadId, "numbered at 16 shards");
        events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == numbered);
        int oldShard = EventShards.shardOf(Audience.THREAD, threadId, EventFeed.SHARDS);
        long oldHead = EventFeed.shard(oldShard, 0).getLong("head_seq");
        relay.stop();
        long pending = ForumApi.postMessage(alice, threadId, "written at 16 shards, numbered at 8");

        ShardEpochs eight = new ShardEpochs(dataSource, NEW_SHARDS);
        ShardEpochs.Epoch opened = eight.open();
        OutboxRelay relayAtEight = replicas.start(eight);
        try {
            assertThat(opened).isEqualTo(new ShardEpochs.Epoch(2, NEW_SHARDS));
            int shard = EventShards.shardOf(Audience.THREAD, threadId, NEW_SHARDS);
            var published = events.await("new_message",
                    e -> e.path("payload").path("message").path("id").asLong() == pending);
            assertThat(published.path("shard_epoch").asInt()).isEqualTo(2);
            assertThat(published.path("shard").asInt()).isEqualTo(shard);
            assertThat(published.path("seq").asLong()).isEqualTo(1);

            // The old epoch, to its end: its own count, its head (which no longer moves), naming the current epoch.
            JsonPath old = EventFeed.internal().queryParam("shard", oldShard).queryParam("shard_epoch", 1)
                    .queryParam("after_seq", 0).get("/api/internal/events").then().statusCode(200).extract().jsonPath();
            assertThat(old.getBoolean("resync_required")).isFalse();
            assertThat(old.getList("events.payload.message.id", Long.class)).contains(numbered).doesNotContain(pending);
            assertThat(old.getList("events.seq", Long.class)).endsWith(oldHead);
            assertThat(old.getLong("head_seq")).isEqualTo(oldHead);
            assertThat(old.getInt("shard_epoch")).isEqualTo(1);
            assertThat(old.getInt("shard_count")).isEqualTo(EventFeed.SHARDS);
            assertThat(old.getInt("current_shard_epoch")).isEqualTo(2);
            assertThat(old.getInt("current_shard_count")).isEqualTo(NEW_SHARDS);
            assertThat(EventFeed.internal().queryParam("shard", oldShard).queryParam("shard_epoch", 1)
                    .queryParam("after_seq", 0).queryParam("thread_id", threadId).get("/api/internal/events").then()
                    .statusCode(200).extract().jsonPath().getList("events.payload.message.id", Long.class))
                    .as("a thread's events in the old epoch").contains(numbered);

            // The positions endpoint likewise, for a shard only the old count has too; the answer names the current.
            int onlyOld = EventFeed.SHARDS - 1;
            JsonPath answer = positions(1, Map.of(String.valueOf(oldShard), 0, String.valueOf(onlyOld), 0,
                    String.valueOf(EventShards.FORUM), 0));
            assertThat(answer.getInt("shard_epoch")).isEqualTo(2);
            assertThat(answer.getInt("shard_count")).isEqualTo(NEW_SHARDS);
            assertThat(answer.getList("pages.shard_epoch", Integer.class)).containsOnly(1);
            assertThat(answer.getList("pages.shard_count", Integer.class)).containsOnly(EventFeed.SHARDS);
            assertThat(answer.getList("pages.current_shard_epoch", Integer.class)).containsOnly(2);
            assertThat(answer.getList("pages.resync_required", Boolean.class)).containsOnly(false);
            assertThat(answer.getList("pages.find { it.shard == " + oldShard + " }.events.payload.message.id",
                    Long.class)).contains(numbered).doesNotContain(pending);
            assertThat(answer.getList("pages.find { it.shard == -1 }.events.payload.thread.id", Long.class))
                    .contains(threadId);
            JsonPath current = positions(2, Map.of(String.valueOf(shard), 0));
            assertThat(current.getInt("pages[0].shard_epoch")).isEqualTo(2);
            assertThat(current.getMap("pages[0]")).doesNotContainKey("current_shard_epoch");
            assertThat(current.getList("pages[0].events.payload.message.id", Long.class)).contains(pending);

            // Nothing numbers in the old epoch any more; its published_seq is its head (the purge may take it).
            long later = ForumApi.postMessage(alice, threadId, "numbered at 8 as well");
            events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == later);
            assertThat(EventFeed.internal().queryParam("shard", oldShard).queryParam("shard_epoch", 1)
                    .queryParam("after_seq", oldHead).get("/api/internal/events").then().statusCode(200)
                    .extract().jsonPath().getList("events")).isEmpty();
            assertThat(oldEpochUnfinished()).as("old epoch rows left unnumbered or unpublished").isZero();
            assertThat(eight.open()).as("the same N keeps the epoch").isEqualTo(opened);
        } finally {
            relayAtEight.stop();
        }

        // A shard of a wider count is an empty stream in a narrower epoch; a shard outside both counts is refused.
        ShardEpochs.Epoch wide = new ShardEpochs(dataSource, 32).open();
        assertThat(wide.epoch()).isEqualTo(3);
        JsonPath narrow = positions(2, Map.of("20", 0));
        assertThat(narrow.getLong("pages[0].head_seq")).isZero();
        assertThat(narrow.getBoolean("pages[0].resync_required")).isFalse();
        assertThat(narrow.getInt("pages[0].shard_count")).isEqualTo(NEW_SHARDS);
        EventFeed.internal().contentType("application/json").body(Map.of("shard_epoch", 2, "positions",
                Map.of("32", 0))).post("/api/internal/events/positions").then().statusCode(400);

        // Once the purge took an old epoch's rows, a position in it needs a resync, as in the current one.
        await().atMost(Duration.ofSeconds(20)).until(() -> purger.purgePublishedBefore(0) > 0
                && EventFeed.internal().queryParam("shard", oldShard).queryParam("shard_epoch", 1)
                .queryParam("after_seq", 0).get("/api/internal/events").then().statusCode(200).extract()
                .jsonPath().getBoolean("resync_required"));
        assertThat(EventFeed.internal().queryParam("shard", oldShard).queryParam("shard_epoch", 1)
                .queryParam("after_seq", oldHead).get("/api/internal/events").then().statusCode(200).extract()
                .jsonPath().getBoolean("resync_required")).as("a consumer at the old epoch's end lost nothing")
                .isFalse();
    }

    @Test
    @Order(2)
    void openingAnEpochWaitsForANumberingStepOfTheOldOne() throws Exception {
        try (Connection step = dataSource.getConnection()) {
            ShardEpochs.Epoch before = new ShardEpochs(dataSource, NEW_SHARDS).current(step).orElseThrow();
            step.setAutoCommit(false);
            // What a numbering step holds from its first statement to its commit: its shards' state rows.
            try (PreparedStatement st = step.prepareStatement(
                    "SELECT 1 FROM outbox_shard_state WHERE shard_epoch = ? AND shard = 0 FOR UPDATE")) {
                st.setInt(1, before.epoch());
                st.executeQuery().close();
            }
            assertOpeningAnEpochWaitsFor(step, before);
        }
        assertThat(oldEpochUnfinished()).isZero();
    }

    @Test
    @Order(3)
    void aReplicaStillConfiguredWithTheOldCountWritesIntoTheCurrentEpochsShards() throws Exception {
        int current;
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT setval(pg_get_serial_sequence('forum_thread', 'id'), 1000)")) {
            st.executeQuery().close();
            current = new ShardEpochs(dataSource, EventFeed.SHARDS).current(c).orElseThrow().shardCount();
        }
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "written by a replica at 16 shards");
        ForumApi.postMessage(alice, threadId, "its shard is the current epoch's");
        assertThat(Math.floorMod(threadId, current)).as("a thread whose shard differs between the counts")
                .isNotEqualTo(Math.floorMod(threadId, EventFeed.SHARDS));

        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT DISTINCT shard FROM outbox_event WHERE thread_id = ? AND audience = 'thread'")) {
            st.setLong(1, threadId);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(Math.floorMod(threadId, current));
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    @Order(4)
    void openingAnEpochWaitsForAWriterInFlight() throws Exception {
        try (Connection writer = dataSource.getConnection()) {
            ShardEpochs.Epoch before = new ShardEpochs(dataSource, NEW_SHARDS).current(writer).orElseThrow();
            writer.setAutoCommit(false);
            // What a writer's INSERT holds to its commit: the epoch table's lock, from reading the current count.
            try (PreparedStatement st = writer.prepareStatement(
                    "SELECT shard_count FROM outbox_shard_epoch ORDER BY epoch DESC LIMIT 1")) {
                st.executeQuery().close();
            }
            assertOpeningAnEpochWaitsFor(writer, before);
        }
    }

    /** Opening the epoch after {@code before} waits until {@code holder} commits its transaction, then succeeds. */
    private void assertOpeningAnEpochWaitsFor(Connection holder, ShardEpochs.Epoch before) throws Exception {
        CompletableFuture<ShardEpochs.Epoch> opening = CompletableFuture.supplyAsync(() -> {
            try {
                return new ShardEpochs(dataSource, before.shardCount() + 1).open();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingOnALock(holder));
        assertThat(opening).isNotDone();
        holder.commit();
        assertThat(opening.get(10, TimeUnit.SECONDS).epoch()).isEqualTo(before.epoch() + 1);
    }

    private static JsonPath positions(int epoch, Map<String, Integer> positions) {
        return EventFeed.internal().contentType("application/json")
                .body(Map.of("shard_epoch", epoch, "positions", positions, "limit", 1000))
                .post("/api/internal/events/positions").then().statusCode(200).extract().jsonPath();
    }

    /** Whether a session other than {@code holder} waits for a lock (the opening of the epoch). */
    private static boolean waitingOnALock(Connection holder) throws SQLException {
        try (PreparedStatement st = holder.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    /** State rows of closed epochs that could still number (watermark not at the end) or publish (behind head). */
    private int oldEpochUnfinished() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT count(*) FROM outbox_shard_state"
                     + " WHERE shard_epoch < (SELECT max(epoch) FROM outbox_shard_epoch)"
                     + " AND (published_seq <> last_seq OR numbered_xmin <> '18446744073709551615')");
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
