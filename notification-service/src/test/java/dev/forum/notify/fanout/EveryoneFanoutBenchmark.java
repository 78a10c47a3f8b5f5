package dev.forum.notify.fanout;

import dev.forum.contract.EventEnvelope;
import dev.forum.notify.Events;
import dev.forum.notify.Feed;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PushRecorder;
import dev.forum.notify.db.Sql;
import dev.forum.notify.push.PushRelay;
import dev.forum.notify.unread.UnreadService;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Not part of the test suite (surefire's default includes skip *Benchmark): run by
 * {@code notification-service/bench/everyone-fanout.sh}. Seeds N users into a scratch database
 * (created and dropped by {@link NotifyTestResource}), then feeds a new_message with {@code @everyone}
 * through the real processing entry point and prints how long the fan-out took; then deletes the thread
 * and prints how long two other users' read-mark pushes took to reach Redis (one requested while the
 * deletion is processed, one right after it committed). No assertions on time.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
class EveryoneFanoutBenchmark {

    static final int USERS = Integer.getInteger("bench.users", 100_000);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);

    @Inject
    Feed feed;
    @Inject
    Sql sql;
    @Inject
    PushRelay relay;
    @Inject
    PushRecorder pushes;
    @Inject
    UnreadService unread;

    private static void sleep() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void everyoneFanout() throws IOException {
        long seedStart = System.nanoTime();
        seedUsers(USERS);
        long seedMs = (System.nanoTime() - seedStart) / 1_000_000;
        long author = 1;
        List<String> lines = new ArrayList<>();
        lines.add(String.format("users seeded: %d in %d ms (generate_series, not part of the figure)", USERS, seedMs));

        long threadStart = System.nanoTime();
        long thread = 10_000_000L;
        feed.deliver(Events.newThread(thread, "Bench thread", 0, author, "user_1"));
        long threadMs = (System.nanoTime() - threadStart) / 1_000_000;
        lines.add(String.format("new_thread fan-out (new_thread rows for every reader): %d notifications, %d ms",
                count("new_thread"), threadMs));

        for (int round = 1; round <= ROUNDS; round++) {
            long message = 20_000_000L + round;
            EventEnvelope everyone = Events.newMessage(message, thread, author, "user_1", "@everyone round " + round,
                    null);
            long start = System.nanoTime();
            feed.deliver(everyone);
            long ms = (System.nanoTime() - start) / 1_000_000;
            lines.add(String.format("@everyone round %d: %d notifications, %d ms (event processed end to end, "
                    + "one transaction, %d-user batches)", round, countForMessage(message), ms,
                    Integer.getInteger("notify.fanout.batch-size", 20_000)));
        }

        // Another user's read mark while the deletion is being processed, and another one right after it
        // committed: how long until their pushes are on Redis.
        long during = USERS + 101;
        long after = USERS + 102;
        ExecutorService other = Executors.newSingleThreadExecutor();
        long deleteStart = System.nanoTime();
        Future<Long> duringDelay = other.submit(() -> {
            sleep();
            return pushDelayMs(during);
        });
        feed.deliver(Events.threadDeleted(thread));
        long deleteMs = (System.nanoTime() - deleteStart) / 1_000_000;
        long queued = relay.pending();
        long afterDelay = pushDelayMs(after);
        long duringMs;
        try {
            duringMs = duringDelay.get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            other.shutdown();
        }
        long affected = countUnreadTurnedRead(thread);
        lines.add(String.format("thread_deleted: %d users' unread notifications withdrawn, %d push rows queued, %d ms "
                + "(event processed end to end, one transaction)", affected, queued, deleteMs));
        lines.add(String.format("another user's read mark during the deletion: its push on Redis %d ms after the "
                + "mark was requested", duringMs));
        lines.add(String.format("another user's read mark right after the deletion committed: its push on Redis "
                + "%d ms after the mark was requested", afterDelay));
        long relayStart = System.nanoTime();
        while (relay.pending() > 0 && System.nanoTime() - relayStart < 600_000_000_000L) {
            sleep();
        }
        long relayMs = (System.nanoTime() - relayStart) / 1_000_000;
        lines.add(String.format("push relay: backlog drained %d ms after that (%d left); %d unread_counts_changed, "
                + "%d unread_count_updated published", relayMs, relay.pending(), pushes.ofType("unread_counts_changed")
                .size(), pushes.ofType("unread_count_updated").size()));
        lines.forEach(System.out::println);
        Path out = Path.of("target", "bench", "everyone-fanout.txt");
        Files.createDirectories(out.getParent());
        Files.write(out, lines);
    }

    /** Marks everything read for {@code userId} (the REST path) and waits until its count push is on Redis. */
    private long pushDelayMs(long userId) {
        long start = System.nanoTime();
        unread.markAllRead(userId);
        while (pushes.forUser(userId, "forum_notification_count").isEmpty()
                && System.nanoTime() - start < 600_000_000_000L) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Transactional
    long countUnreadTurnedRead(long threadId) {
        return sql.count("SELECT count(DISTINCT user_id) FROM notifications WHERE thread_id = ? AND is_read", threadId);
    }

    @Transactional
    void seedUsers(int users) {
        sql.update("""
                INSERT INTO users (id, username, role, tier_cents)
                SELECT g, 'user_' || g, CASE WHEN g % 1000 = 0 THEN 'moderator' ELSE 'member' END, (g % 5) * 100
                FROM generate_series(1, ?) AS g""", users);
        sql.update("ANALYZE users");
    }

    @Transactional
    long count(String type) {
        return sql.count("SELECT count(*) FROM notifications WHERE type = ?", type);
    }

    @Transactional
    long countForMessage(long messageId) {
        return sql.count("SELECT count(*) FROM notifications WHERE message_id = ?", messageId);
    }
}
