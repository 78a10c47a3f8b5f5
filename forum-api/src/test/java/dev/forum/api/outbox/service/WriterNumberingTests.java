package dev.forum.api.outbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.RedisEvents;
import dev.forum.api.TestUsers;
import dev.forum.api.auth.Caller;
import dev.forum.api.message.service.MessageService;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.EventShards;
import dev.forum.contract.Role;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.forum.api.EventFeed.shardOf;
import static dev.forum.api.RedisEvents.newMessage;
import static dev.forum.api.RedisEvents.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A writer's transaction numbers the outbox rows of the shards this replica relays just before its commit, when
 * their state rows are free (OutboxNumbering, "Numbering in the writer's transaction"), and the relay publishes them
 * once; a shard that is busy or relayed elsewhere is numbered by its relay after the commit, as without it.
 */
@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class WriterNumberingTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    OutboxRelay relay;

    @Inject
    MessageService messages;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    RelayReplicas replicas;

    @Inject
    TransactionSynchronizationRegistry transactions;

    @Test
    void aPostIsNumberedByItsOwnTransactionAndPublishedOnce() throws Exception {
        await().atMost(WAIT).until(() -> relay.ownedPartitions().size() == relay.partitionCount());
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "numbered by its own commit");
        events.await("new_message", thread(threadId));
        awaitProgressRecorded(shardOf(threadId));
        long messageId;
        try (StateRowLock forumShard = relayWaitingAtTheForumShard(alice)) {
            messageId = ForumApi.postMessage(alice, threadId, "numbered before its commit");

            assertThat(seqOf(messageId)).as("numbered at its commit").isNotNull();
            assertThat(forumShard.isWaitedFor()).as("the relay was still waiting").isTrue();
        }

        JsonNode published = events.await("new_message", newMessage(messageId));
        assertThat(published.path("seq").asLong()).isEqualTo(seqOf(messageId));
        long after = ForumApi.postMessage(alice, threadId, "published after it");
        events.await("new_message", newMessage(after));
        assertThat(events.matching(newMessage(messageId))).hasSize(1);
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(3);
    }

    @Test
    void aPostWhoseShardRowIsLockedDoesNotWaitAndIsNumberedByTheRelayAfterwards() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "its shard is busy");
        events.await("new_message", thread(threadId));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        long messageId;
        try (StateRowLock shard = lockStateRow(shardOf(threadId))) {
            Future<Long> post = pool.submit(() -> ForumApi.postMessage(alice, threadId, "not waiting for the row"));

            messageId = post.get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(seqOf(messageId)).isNull();
            await().atMost(WAIT).until(shard::isWaitedFor); // the relay's step, woken by the commit
        } finally {
            pool.shutdown();
        }

        JsonNode published = events.await("new_message", newMessage(messageId));
        assertThat(published.path("seq").asLong()).isEqualTo(seqOf(messageId));
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(2);
    }

    @Test
    void concurrentPostsToOneThreadAndToManyGetGapFreeSeqsAndExactCounts() throws Exception {
        int writers = 8;
        int perWriter = 8;
        TestUsers.TestUser owner = users.member();
        List<Long> threadIds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            threadIds.add(ForumApi.createThread(owner, "concurrent posts " + i));
        }
        threadIds.forEach(id -> events.await("new_message", thread(id)));
        Map<Integer, Long> before = threadIds.stream().map(EventFeed::shardOf).distinct()
                .collect(Collectors.toMap(s -> s, s -> EventFeed.shard(s, 0).getLong("head_seq")));

        List<Long> posted = new CopyOnWriteArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                TestUsers.TestUser author = users.member();
                // Half the writers post to the first thread, the others each to one of the rest.
                long target = threadIds.get(w % 2 == 0 ? 0 : 1 + w % 3);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        posted.add(ForumApi.postMessage(author, target, author.username() + " " + i));
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }

        await().atMost(WAIT).until(() -> posted.stream().allMatch(id -> !events.matching(newMessage(id)).isEmpty()));
        for (Map.Entry<Integer, Long> head : before.entrySet()) {
            EventFeed.gapFree(head.getKey(), head.getValue());
            List<JsonNode> onRedis = events.matching(
                    e -> e.path("shard").asInt() == head.getKey() && e.path("seq").asLong() > head.getValue());
            assertThat(onRedis).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
        }
        for (long threadId : threadIds) {
            await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
            assertThat(messageCount(threadId)).as("thread %d", threadId).isEqualTo(storedMessages(threadId));
        }
        assertThat(threadIds.stream().mapToLong(this::messageCount).sum()).isEqualTo(4 + writers * perWriter);
    }

    @Test
    void aTransactionRolledBackAfterItsNumberingNumbersAndPublishesNothing() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "rolled back at its commit");
        events.await("new_message", thread(threadId));
        int shard = shardOf(threadId);
        awaitProgressRecorded(shard);
        long lastSeq = lastSeqOf(shard);
        AtomicLong seqBeforeTheFailure = new AtomicLong();
        Caller caller = new Caller(0, new CurrentUser(alice.id(), alice.username(), alice.username(), Role.MEMBER, 0),
                null);

        try (StateRowLock forumShard = relayWaitingAtTheForumShard(alice)) {
            assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> {
                long id = messages.persistMessage(caller, threadId, "numbered, then rolled back", null, user -> { })
                        .orElseThrow().id();
                // Runs after the numbering (registered after it), in the transaction, then fails the commit.
                transactions.registerInterposedSynchronization(new Synchronization() {
                    @Override
                    public void beforeCompletion() {
                        Long seq = seqOf(id);
                        seqBeforeTheFailure.set(seq == null ? -1 : seq);
                        throw new IllegalStateException("a later part of the commit fails");
                    }

                    @Override
                    public void afterCompletion(int status) {
                        // nothing
                    }
                });
            })).isNotNull();
        }

        assertThat(seqBeforeTheFailure.get()).as("numbered before the failure").isEqualTo(lastSeq + 1);
        assertThat(lastSeqOf(shard)).isEqualTo(lastSeq);
        long next = ForumApi.postMessage(alice, threadId, "after the rollback");
        assertThat(events.await("new_message", newMessage(next)).path("seq").asLong()).isEqualTo(lastSeq + 1);
        assertThat(events.matching(e -> e.toString().contains("numbered, then rolled back"))).isEmpty();
        await().atMost(WAIT).until(() -> unnumbered(threadId) == 0);
        assertThat(messageCount(threadId)).isEqualTo(2);
    }

    @Test
    void aShardRelayedByAnotherReplicaIsLeftToIt() throws Exception {
        TestUsers.TestUser alice = users.member();
        OutboxRelay second = replicas.start();
        long messageId;
        try {
            await().atMost(WAIT).until(() -> !second.ownedPartitions().isEmpty()
                    && relay.ownedPartitions().size() + second.ownedPartitions().size() == relay.partitionCount());
            Set<Integer> theirs = Set.copyOf(second.ownedPartitions());
            int[] shards = IntStream.range(0, EventFeed.SHARDS)
                    .filter(s -> theirs.contains(Math.floorMod(s, relay.partitionCount()))).limit(2).toArray();
            long waiting = threadIn(alice, shards[0]);
            long threadId = threadIn(alice, shards[1]);
            try (StateRowLock held = lockStateRow(shards[0])) {
                // The other replica's drain thread waits for the first shard's row, so it numbers nothing meanwhile.
                ForumApi.postMessage(alice, waiting, "its owner waits for this shard");
                await().atMost(WAIT).until(held::isWaitedFor);

                messageId = ForumApi.postMessage(alice, threadId, "for the other replica to number");

                assertThat(seqOf(messageId)).isNull();
            }
            events.await("new_message", newMessage(messageId));
            assertThat(seqOf(messageId)).isNotNull();
        } finally {
            second.stop();
        }
        await().atMost(WAIT).until(() -> relay.ownedPartitions().size() == relay.partitionCount());
    }

    /**
     * Has the relay's one drain thread wait for the forum shard's state row, held by the returned lock, woken by a new
     * thread's event there: until it is closed the relay numbers nothing, so only writers number.
     */
    private StateRowLock relayWaitingAtTheForumShard(TestUsers.TestUser author) throws Exception {
        StateRowLock forumShard = lockStateRow(EventShards.FORUM);
        try {
            ForumApi.createThread(author, "its forum event waits for the relay");
            await().atMost(WAIT).until(forumShard::isWaitedFor);
            return forumShard;
        } catch (Exception | AssertionError e) {
            forumShard.close();
            throw e;
        }
    }

    /**
     * Until the relay's sweep has recorded the shard's publishing progress, which takes its state row for a moment
     * (a writer's numbering at that moment would leave its rows to the relay).
     */
    private void awaitProgressRecorded(int shard) {
        await().atMost(WAIT).until(() -> queryLong("SELECT published_seq FROM outbox_shard_state WHERE shard = ?"
                + " AND shard_epoch = (SELECT max(epoch) FROM outbox_shard_epoch)", shard) == lastSeqOf(shard));
    }

    /** A thread in {@code shard}, its first message published (thread ids are sequential). */
    private long threadIn(TestUsers.TestUser author, int shard) {
        long threadId;
        do {
            threadId = ForumApi.createThread(author, "in shard " + shard);
        } while (shardOf(threadId) != shard);
        events.await("new_message", thread(threadId));
        return threadId;
    }

    private StateRowLock lockStateRow(int shard) throws SQLException {
        return StateRowLock.lock(dataSource, relay.epoch().epoch(), shard);
    }

    private Long seqOf(long messageId) {
        return queryLong("SELECT max(seq) FROM outbox_event WHERE type = 'new_message'"
                + " AND (payload -> 'message' ->> 'id')::bigint = ?", messageId);
    }

    private long lastSeqOf(int shard) {
        return queryLong("SELECT last_seq FROM outbox_shard_state WHERE shard = ?"
                + " AND shard_epoch = (SELECT max(epoch) FROM outbox_shard_epoch)", shard);
    }

    private long messageCount(long threadId) {
        return queryLong("SELECT message_count FROM forum_thread WHERE id = ?", threadId);
    }

    private long storedMessages(long threadId) {
        return queryLong("SELECT count(*) FROM forum_message WHERE thread_id = ?", threadId);
    }

    private long unnumbered(long threadId) {
        return queryLong("SELECT count(*) FROM outbox_event WHERE thread_id = ? AND seq IS NULL", threadId);
    }

    /** The single value of {@code sql} (null for SQL NULL). */
    private Long queryLong(String sql, Object parameter) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, parameter);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                long value = rs.getLong(1);
                return rs.wasNull() ? null : value;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
