package dev.forum.api.outbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.api.auth.Caller;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.forum.api.RedisEvents.newMessage;
import static dev.forum.api.RedisEvents.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A thread's message_count and last_activity_at, folded in by the relay when it numbers the events (OutboxNumbering):
 * exact under concurrent posts, deletions and a relay crash, without posts waiting for each other, and still
 * serialised with a moderator's lock or deletion of the thread.
 */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class ThreadCountsTests {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    OutboxRelay relay;

    @Inject
    MessageService messages;

    @Inject
    ThreadService threads;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRows rows;

    @Test
    void concurrentPostsToOneThreadAreEachCountedOnce() throws Exception {
        int writers = 6;
        int perWriter = 10;
        long threadId = ForumApi.createThread(users.member(), "counted under contention");
        List<TestUsers.TestUser> authors = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            authors.add(users.member());
        }

        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (TestUsers.TestUser author : authors) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        ForumApi.postMessage(author, threadId, author.username() + " " + i);
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }

        int expected = 1 + writers * perWriter;
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(expected);
        assertThat(storedMessages(threadId)).isEqualTo(expected);
        assertThat(lastActivity(threadId)).isEqualTo(latestPostCommit(threadId));
    }

    @Test
    void aPostDoesNotWaitForAnotherUncommittedPostToTheSameThread() throws Exception {
        TestUsers.TestUser alice = users.member();
        TestUsers.TestUser bob = users.member();
        long threadId = ForumApi.createThread(alice, "posts in parallel");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            QuarkusTransaction.requiringNew().call(() -> {
                messages.persistMessage(caller(alice, Role.MEMBER), threadId, "still committing", null, id -> { });
                // Before the counter moved to the relay, this post queued on the thread row the open one had updated.
                Future<Long> other = pool.submit(() -> ForumApi.postMessage(bob, threadId, "not waiting"));
                return assertThat(getWithin(other)).isPositive();
            });
        } finally {
            pool.shutdown();
        }

        await().atMost(WAIT).until(() -> messageCount(threadId) == 3);
    }

    @Test
    void deletingAMessageWithItsRepliesTakesThemAllOffTheCount() {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "deletions counted");
        long parent = ForumApi.postMessage(alice, threadId, "parent");
        long reply = ForumApi.postMessage(alice, threadId, "reply", parent);
        ForumApi.postMessage(alice, threadId, "reply to the reply", reply);
        ForumApi.postMessage(alice, threadId, "kept");
        await().atMost(WAIT).until(() -> messageCount(threadId) == 5);
        Instant activity = lastActivity(threadId);

        alice.req().delete("/api/forum/messages/" + parent).then().statusCode(200);

        events.await("messages_deleted", thread(threadId));
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(2).isEqualTo(storedMessages(threadId));
        assertThat(lastActivity(threadId)).isEqualTo(activity);
    }

    @Test
    void countsAreNotAddedAgainWhenABacklogNumberedBeforeACrashIsRepublished() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "crash after numbering");
        events.await("new_message", thread(threadId));
        List<Long> posted = new ArrayList<>();
        relay.stop();
        try {
            for (int i = 0; i < 3; i++) {
                posted.add(ForumApi.postMessage(alice, threadId, "numbered, not published " + i));
            }
            // What a leader that crashed after its numbering commit and before publishing leaves behind.
            new OutboxNumbering(dataSource, rows, 100).next(relay.epoch().epoch(),
                    new int[] {EventFeed.shardOf(threadId)}, Map.of(), Map.of());
            assertThat(unnumbered(threadId)).isZero();
            assertThat(messageCount(threadId)).isEqualTo(4);
        } finally {
            relay.start();
        }

        await().atMost(WAIT).until(() -> posted.stream().allMatch(id -> !events.matching(newMessage(id)).isEmpty()));
        long after = ForumApi.postMessage(alice, threadId, "after the republished backlog");
        events.await("new_message", newMessage(after));
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(5).isEqualTo(storedMessages(threadId));
    }

    @Test
    void aPostRacingALockOfItsThreadWaitsForItAndIsPublishedAfterIt() throws Exception {
        JsonNode lock = raceAPostWith((mod, threadId) -> threads.partialUpdateThread(mod, threadId,
                new ThreadService.ThreadPatch(null, null, true, null)), "thread_updated");
        assertThat(lock.path("payload").path("updates").path("is_locked").asBoolean()).isTrue();
    }

    @Test
    void aPostRacingADeletionOfItsThreadWaitsForItAndIsPublishedAfterIt() throws Exception {
        raceAPostWith((mod, threadId) -> threads.deleteThread(mod, threadId), "thread_deleted");
    }

    /**
     * A member's post that read its thread before a moderator's change committed (the check passed): as before the
     * counter moved to the relay, the post waits for that change's commit, then completes (201), and its new_message
     * is numbered after the change's event. Returns that event.
     */
    private JsonNode raceAPostWith(ModeratorChange change, String changeEvent) throws Exception {
        TestUsers.TestUser mod = users.moderator();
        TestUsers.TestUser bob = users.member();
        long threadId = ForumApi.createThread(bob, "raced by a moderator");
        events.await("new_message", thread(threadId));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Response> post;
        try {
            post = QuarkusTransaction.requiringNew().call(() -> {
                change.apply(caller(mod, Role.MODERATOR), threadId);
                Future<Response> racing = pool.submit(() -> bob.req().body(Map.of("content", "raced"))
                        .post("/api/forum/threads/" + threadId + "/messages"));
                await().atMost(WAIT).until(this::aPostIsWaitingForALock);
                assertThat(racing).isNotDone();
                return racing;
            });
        } finally {
            pool.shutdown();
        }

        Response posted = getWithin(post);
        assertThat(posted.statusCode()).isEqualTo(201);
        long messageId = posted.jsonPath().getLong("id");
        JsonNode changed = events.await(changeEvent, thread(threadId));
        JsonNode message = events.await("new_message", newMessage(messageId));
        assertThat(message.path("seq").asLong()).isGreaterThan(changed.path("seq").asLong());
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(2);
        return changed;
    }

    @FunctionalInterface
    private interface ModeratorChange {
        void apply(Caller moderator, long threadId);
    }

    private static Caller caller(TestUsers.TestUser user, Role role) {
        return new Caller(0, new CurrentUser(user.id(), user.username(), user.username(), role, 0), null);
    }

    private static <T> T getWithin(Future<T> future) throws Exception {
        return future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A statement of a post (not the relay's numbering) waits for a row lock. */
    private boolean aPostIsWaitingForALock() {
        return queryLong("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND wait_event_type = 'Lock' AND query NOT ILIKE ?", "WITH state AS%") > 0;
    }

    private int messageCount(long threadId) {
        return (int) queryLong("SELECT message_count FROM forum_thread WHERE id = ?", threadId);
    }

    private int storedMessages(long threadId) {
        return (int) queryLong("SELECT count(*) FROM forum_message WHERE thread_id = ?", threadId);
    }

    private int unnumbered(long threadId) {
        return (int) queryLong("SELECT count(*) FROM outbox_event WHERE thread_id = ? AND seq IS NULL", threadId);
    }

    private Instant lastActivity(long threadId) {
        return queryInstant("SELECT last_activity_at FROM forum_thread WHERE id = ?", threadId);
    }

    private Instant latestPostCommit(long threadId) {
        return queryInstant("SELECT max(committed_at) FROM outbox_event WHERE thread_id = ? AND type = 'new_message'",
                threadId);
    }

    private long queryLong(String sql, Object parameter) {
        return query(sql, parameter, rs -> rs.getLong(1));
    }

    private Instant queryInstant(String sql, Object parameter) {
        return query(sql, parameter, rs -> rs.getTimestamp(1).toInstant());
    }

    private <T> T query(String sql, Object parameter, Column<T> column) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, parameter);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return column.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @FunctionalInterface
    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }
}
