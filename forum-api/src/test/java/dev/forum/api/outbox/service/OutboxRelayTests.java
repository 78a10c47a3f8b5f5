package dev.forum.api.outbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.forum.contract.EventShards;
import dev.forum.contract.Role;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import static dev.forum.api.EventFeed.shardOf;
import static dev.forum.api.RedisEvents.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class OutboxRelayTests {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    TestUsers users;

    @Inject
    RedisEvents events;

    @Inject
    OutboxRelay relay;

    @Inject
    ShardEpochs epochs;

    @Inject
    ThreadService threads;

    @Inject
    MessageService messages;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    OutboxRows rows;

    @Inject
    ObjectMapper json;

    @Inject
    RelayReplicas replicas;

    @Test
    void partitionsSpreadOverThreeRelaysAndEveryShardIsPublishedByItsOwner() throws Exception {
        TestUsers.TestUser alice = users.member();
        OutboxRelay second = anotherReplica();
        OutboxRelay third = anotherReplica();
        try {
            await().atMost(WAIT).until(() -> spreadFairly(relay, second, third));
            List<Long> threadIds = threadsCoveringEveryShard(alice);

            List<Long> messageIds = new ArrayList<>();
            for (long threadId : threadIds) {
                messageIds.add(ForumApi.postMessage(alice, threadId, "to shard " + shardOf(threadId)));
            }

            await().atMost(WAIT).until(() -> publishedMessageIds().containsAll(messageIds));
            assertThat(ownedOnceEach(relay, second, third)).isTrue();
            for (long threadId : threadIds) {
                JsonNode published = events.await("new_message", thread(threadId));
                assertThat(published.path("shard").asInt()).isEqualTo(shardOf(threadId));
                assertThat(published.path("shard_epoch").asInt()).isEqualTo(1);
            }
            assertThat(events.all()).filteredOn(r -> r.event().has("shard"))
                    .allSatisfy(r -> assertThat(r.channel()).isEqualTo(
                            relay.channels().events(r.event().path("shard").asInt())));
        } finally {
            second.stop();
            third.stop();
        }
        await().atMost(WAIT).until(() -> relay.ownedPartitions().size() == relay.partitionCount());
    }

    @Test
    void aCrashedRelaysPartitionsAreTakenOverWithNoGapOrDuplicate() throws Exception {
        TestUsers.TestUser alice = users.member();
        List<Long> threadIds = threadsCoveringEveryShard(alice);
        Map<Integer, Long> before = headsOf(threadIds);
        OutboxRelay second = anotherReplica();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        List<Long> messageIds = new CopyOnWriteArrayList<>();
        try {
            await().atMost(WAIT).until(() -> spreadFairly(relay, second));
            Future<?> posts = writer.submit(() -> {
                for (int i = 0; writing.get() || i < threadIds.size(); i++) {
                    messageIds.add(ForumApi.postMessage(alice, threadIds.get(i % threadIds.size()), "during " + i));
                }
            });
            await().atMost(WAIT).until(() -> messageIds.size() > threadIds.size());

            // A crash: the session ends first (PostgreSQL releases the locks), then the process is gone.
            terminateLockSessionOf(second);
            second.stop();

            await().atMost(WAIT).until(() -> relay.ownedPartitions().size() == relay.partitionCount());
            writing.set(false);
            posts.get();
        } finally {
            writing.set(false);
            writer.shutdown();
            second.stop();
        }

        await().atMost(WAIT).until(() -> publishedMessageIds().containsAll(messageIds));
        for (Map.Entry<Integer, Long> head : before.entrySet()) {
            JsonPath feed = EventFeed.gapFree(head.getKey(), head.getValue());
            List<String> publishedIds = events.all().stream().map(RedisEvents.Received::event)
                    .filter(e -> e.path("shard").asInt() == head.getKey() && e.path("seq").asLong() > head.getValue())
                    .map(e -> e.path("event_id").asText()).distinct().toList();
            assertThat(publishedIds).as("shard %d on Redis", head.getKey())
                    .containsExactlyInAnyOrderElementsOf(feed.getList("events.event_id", String.class));
        }
        assertThat(messageIds).doesNotHaveDuplicates();
    }

    @Test
    void aCommitOnTheOwnersReplicaWakesItsRelayInProcessWithoutANotify() throws Exception {
        await().atMost(WAIT).until(() -> relay.ownedPartitions().size() == relay.partitionCount());
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "woken in process");
        try (Connection listener = dataSource.getConnection(); Statement st = listener.createStatement()) {
            st.execute("LISTEN " + OutboxWriter.NOTIFY_CHANNEL);
            try {
                long id = ForumApi.postMessage(alice, threadId, "no NOTIFY in my commit");

                events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == id);
                st.execute("SELECT 1"); // a round trip, so that a notification sent before the publish has arrived
                PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications();
                assertThat(received == null ? List.of() : List.of(received)).isEmpty();
            } finally {
                st.execute("UNLISTEN *");
            }
        }
    }

    @Test
    void oneNumberingStepCoversTheShardsOfEveryPartitionACommitWoke() throws Exception {
        await().atMost(WAIT).until(() -> relay.ownedPartitions().size() == relay.partitionCount());
        TestUsers.TestUser alice = users.member();
        Caller caller = new Caller(0, new CurrentUser(alice.id(), alice.username(), alice.username(), Role.MEMBER, 0), null);
        List<Long> threadIds = threadsCoveringEveryShard(alice).subList(0, 3);
        assertThat(threadIds.stream().map(id -> Math.floorMod(shardOf(id), relay.partitionCount())).distinct())
                .hasSize(3);

        List<Long> messageIds;
        // Their state rows busy, the commit cannot number them itself (OutboxNumbering#numberBeforeCommit): the
        // relay's step does, waiting for those rows.
        try (StateRowLock busy = StateRowLock.lock(dataSource, relay.epoch().epoch(),
                threadIds.stream().mapToInt(EventFeed::shardOf).toArray())) {
            messageIds = QuarkusTransaction.requiringNew().call(() -> threadIds.stream()
                    .map(id -> messages.persistMessage(caller, id, "one commit, three shards", null, user -> { })
                            .orElseThrow().id())
                    .toList());
            await().atMost(WAIT).until(busy::isWaitedFor);
        }

        await().atMost(WAIT).until(() -> publishedMessageIds().containsAll(messageIds));
        // The numbering UPDATE wrote each row's current version: one transaction numbered all three.
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT count(DISTINCT xmin::text) FROM outbox_event"
                     + " WHERE type = 'new_message' AND (payload -> 'message' ->> 'id')::bigint = ANY(?)")) {
            st.setArray(1, c.createArrayOf("bigint", messageIds.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
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
        assertThat(EventFeed.forum(0).getList("events.payload.thread.title", String.class)).doesNotContain(doomed);
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
            assertThat(EventFeed.thread(threadId, 0).getList("events.payload.message.id", Long.class))
                    .doesNotContainAnyElementsOf(messageIds);
        } finally {
            relay.start();
        }

        await().atMost(WAIT).until(() -> publishedMessageIds(threadId).containsAll(messageIds));
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
        await().atMost(WAIT).until(() -> publishedSeq(EventShards.FORUM) >= first.path("seq").asLong());
        relay.stop();
        // What a crash after the publish and before recording it leaves: published_seq behind the published rows.
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "UPDATE outbox_shard_state SET published_seq = ? - 1 WHERE shard_epoch = 1 AND shard = ?")) {
            st.setLong(1, first.path("seq").asLong());
            st.setInt(2, EventShards.FORUM);
            assertThat(st.executeUpdate()).isEqualTo(1);
        } finally {
            relay.start();
        }

        await().atMost(WAIT).until(() -> events.matching(
                e -> e.path("event_id").asText().equals(first.path("event_id").asText())).size() == 2);
        assertThat(events.matching(e -> e.path("event_id").asText().equals(first.path("event_id").asText())))
                .extracting(e -> e.path("seq").asLong()).containsOnly(first.path("seq").asLong());
    }

    @Test
    void concurrentWritersGetAGapFreeStrictlyIncreasingSeqPerShard() throws Exception {
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
        List<Long> shared = threadIds.subList(0, 3);
        Map<Integer, Long> before = headsOf(shared);

        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> done = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            TestUsers.TestUser author = authors.get(w);
            long target = shared.get(w % shared.size());
            done.add(pool.submit(() -> {
                for (int i = 0; i < perWriter; i++) {
                    ForumApi.postMessage(author, target, author.username() + " " + i);
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        int expectedMessages = writers * perWriter;
        await().atMost(WAIT).until(() -> before.entrySet().stream().mapToLong(head -> events.matching(
                e -> e.path("shard").asInt() == head.getKey() && e.path("seq").asLong() > head.getValue()
                        && "new_message".equals(e.path("type").asText())).size()).sum() >= expectedMessages);
        long inFeed = 0;
        for (Map.Entry<Integer, Long> head : before.entrySet()) {
            JsonPath feed = EventFeed.gapFree(head.getKey(), head.getValue());
            inFeed += feed.getList("events.type", String.class).stream().filter("new_message"::equals).count();
            List<Long> redisOrder = events.matching(
                    e -> e.path("shard").asInt() == head.getKey() && e.path("seq").asLong() > head.getValue())
                    .stream().map(e -> e.path("seq").asLong()).toList();
            assertThat(redisOrder).isSorted().doesNotHaveDuplicates();
        }
        assertThat(inFeed).isEqualTo(expectedMessages);
    }

    @Test
    void eventOfATransactionThatCommitsAfterLaterOnesWereNumberedIsNumberedAndPublished() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "long transaction");
        events.await("new_message", thread(threadId));
        UUID late = UUID.randomUUID();
        try (Connection held = dataSource.getConnection()) {
            held.setAutoCommit(false);
            insertRawEvent(held, late, threadId, shardOf(threadId));
            // Later writers commit first and are numbered while the held transaction is still running.
            for (int i = 0; i < 3; i++) {
                long id = ForumApi.postMessage(alice, threadId, "before the late one " + i);
                events.await("new_message", e -> e.path("payload").path("message").path("id").asLong() == id);
            }
            held.commit();
        }

        JsonNode published = events.await("thread_updated", e -> e.path("event_id").asText().equals(late.toString()));
        long before = published.path("seq").asLong() - 10;
        JsonPath feed = EventFeed.shard(shardOf(threadId), Math.max(0, before));
        List<Long> seqs = feed.getList("events.seq", Long.class);
        assertThat(seqs).containsExactlyElementsOf(
                LongStream.rangeClosed(seqs.get(0), feed.getLong("head_seq")).boxed().toList());
        assertThat(feed.getList("events.event_id", String.class)).contains(late.toString());
    }

    @Test
    void aFullBatchMovesTheWatermarkUpToTheOldestRowItLeftSoABacklogIsNotRescanned() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "backlog of full batches");
        events.await("new_message", thread(threadId));
        int shard = shardOf(threadId);
        relay.stop();
        try {
            List<Long> xids = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                UUID id = UUID.randomUUID();
                try (Connection c = dataSource.getConnection()) {
                    insertRawEvent(c, id, threadId, shard);
                }
                xids.add(queryLong("SELECT xid::text::bigint FROM outbox_event WHERE id = ?", id));
            }
            long xminBefore = queryLong("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint", null);
            OutboxNumbering numbering = new OutboxNumbering(dataSource, rows, 2);

            assertThat(numbering.next(1, new int[] {shard}, Map.of(), Map.of()).toPublish()).hasSize(2);

            long watermark = watermarkOf(shard);
            assertThat(watermark).as("never past a row left unnumbered").isLessThanOrEqualTo(xids.get(2))
                    .as("moved on a full batch").isGreaterThanOrEqualTo(Math.min(xminBefore, xids.get(2)));
            long before = EventFeed.shard(shard, 0).getLong("head_seq");
            numbering.next(1, new int[] {shard}, Map.of(), Map.of());
            numbering.next(1, new int[] {shard}, Map.of(), Map.of());
            JsonPath feed = EventFeed.shard(shard, before - 2);
            assertThat(feed.getList("events.seq", Long.class))
                    .containsExactlyElementsOf(LongStream.rangeClosed(before - 1, before + 3).boxed().toList());
        } finally {
            relay.start();
        }
    }

    @Test
    void rowWrittenWithoutAShardIsAdoptedIntoItsThreadsShardAndPublished() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "written by an older replica");
        events.await("new_message", thread(threadId));
        UUID unsharded = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            insertRawEvent(c, unsharded, threadId, null);
        }

        assertThat(epochs.adoptUnsharded(100)).isEqualTo(1);

        JsonNode published = events.await("thread_updated",
                e -> e.path("event_id").asText().equals(unsharded.toString()));
        assertThat(published.path("shard").asInt()).isEqualTo(shardOf(threadId));
        assertThat(EventFeed.thread(threadId, 0).getList("events.event_id", String.class)).contains(unsharded.toString());
    }

    @Test
    void publishedTextIsTheEnvelopeOfTheFeed() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "text <\"quoted\"> & ünïcode");
        JsonNode received = events.await("new_thread_created", thread(threadId));
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT " + OutboxRows.COLUMNS + " FROM outbox_event WHERE id = ?")) {
            st.setObject(1, UUID.fromString(received.path("event_id").asText()));
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).isTrue();
                JsonNode viaEnvelope = json.readTree(rows.toJson(rows.envelope(rs)));
                JsonNode published = json.readTree(rows.publishable(rs).json());
                assertThat(published).isEqualTo(viaEnvelope);
                assertThat(published).isEqualTo(received);
                assertThat(published.path("shard").asInt()).isEqualTo(EventShards.FORUM);
            }
        }
    }

    private OutboxRelay anotherReplica() {
        return replicas.start();
    }

    /** Each relay owns its fair share (at most ceil(P / n)), and every partition has exactly one owner. */
    private static boolean spreadFairly(OutboxRelay... relays) {
        int share = (relays[0].partitionCount() + relays.length - 1) / relays.length;
        return ownedOnceEach(relays) && java.util.Arrays.stream(relays)
                .allMatch(r -> r.ownedPartitions().size() <= share && !r.ownedPartitions().isEmpty());
    }

    private static boolean ownedOnceEach(OutboxRelay... relays) {
        List<Integer> all = java.util.Arrays.stream(relays).flatMap(r -> r.ownedPartitions().stream()).toList();
        return all.size() == relays[0].partitionCount() && new HashSet<>(all).size() == all.size();
    }

    /** Threads, one in each thread shard (thread ids are sequential), each with its first message published. */
    private List<Long> threadsCoveringEveryShard(TestUsers.TestUser author) {
        Map<Integer, Long> byShard = new java.util.TreeMap<>();
        while (byShard.size() < EventFeed.SHARDS) {
            long threadId = ForumApi.createThread(author, "shard cover " + byShard.size());
            byShard.putIfAbsent(shardOf(threadId), threadId);
        }
        byShard.values().forEach(id -> events.await("new_message", thread(id)));
        return new ArrayList<>(byShard.values());
    }

    /** Each of the threads' shards, with its head now. */
    private static Map<Integer, Long> headsOf(List<Long> threadIds) {
        Set<Integer> shards = threadIds.stream().map(EventFeed::shardOf).collect(Collectors.toSet());
        return shards.stream().collect(Collectors.toMap(s -> s, s -> EventFeed.shard(s, 0).getLong("head_seq")));
    }

    private long watermarkOf(int shard) throws Exception {
        return queryLong("SELECT numbered_xmin::text::bigint FROM outbox_shard_state WHERE shard_epoch = 1 AND shard = "
                + shard, null);
    }

    private long queryLong(String sql, UUID id) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            if (id != null) {
                st.setObject(1, id);
            }
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long publishedSeq(int shard) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement(
                     "SELECT published_seq FROM outbox_shard_state WHERE shard_epoch = 1 AND shard = ?")) {
            st.setInt(1, shard);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Ends a relay's lock session from outside, as a crash or a network cut would (its process runs on). */
    private void terminateLockSessionOf(OutboxRelay replica) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            st.setInt(1, replica.lockSessionPid());
            st.execute();
        }
    }

    private static void insertRawEvent(Connection c, UUID id, long threadId, Integer shard) throws Exception {
        try (PreparedStatement st = c.prepareStatement("""
                INSERT INTO outbox_event (id, aggregate_type, aggregate_id, type, audience, thread_id, shard, payload)
                VALUES (?, 'thread', ?, 'thread_updated', 'thread', ?, ?, '{"updates": {"title": "late"}}')""")) {
            st.setObject(1, id);
            st.setString(2, Long.toString(threadId));
            st.setLong(3, threadId);
            st.setObject(4, shard, java.sql.Types.INTEGER);
            st.executeUpdate();
        }
        try (PreparedStatement st = c.prepareStatement(
                "SELECT pg_notify('" + OutboxWriter.NOTIFY_CHANNEL + "', ?)")) {
            st.setString(1, shard == null ? "" : shard.toString());
            st.executeQuery().close();
        }
    }

    private List<Long> publishedMessageIds() {
        return events.matching(e -> "new_message".equals(e.path("type").asText())).stream()
                .map(e -> e.path("payload").path("message").path("id").asLong()).toList();
    }

    private List<JsonNode> newMessages(long threadId) {
        return events.matching(e -> "new_message".equals(e.path("type").asText()) && thread(threadId).test(e));
    }

    private List<Long> publishedMessageIds(long threadId) {
        return newMessages(threadId).stream().map(e -> e.path("payload").path("message").path("id").asLong()).toList();
    }
}
