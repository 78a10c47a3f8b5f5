package dev.forum.notify.unread;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.notify.Events;
import dev.forum.notify.Forum;
import dev.forum.notify.Forum.User;
import dev.forum.notify.NotifyTestResource;
import dev.forum.notify.PushRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A deletion that changes the unread counts of more than {@code notify.push.bulk-threshold} users
 * pushes ONE {@code unread_counts_changed} to the thread's readers instead of two pushes per user.
 */
@QuarkusTest
@QuarkusTestResource(NotifyTestResource.class)
@TestProfile(MassCountChangeTests.TwoUsersAreMany.class)
class MassCountChangeTests {

    public static class TwoUsersAreMany implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // no new_thread notifications: only the mentions below make users unread
            return Map.of("notify.push.bulk-threshold", "2", "notify.fanout.new-thread-notifications", "false");
        }
    }

    @Inject
    Forum forum;
    @Inject
    UnreadService unread;
    @Inject
    PushRecorder pushes;

    @Test
    void threadDeletedForManyUsersBroadcastsOneRefetchToItsReaders() {
        User author = forum.member(0);
        long doomed = forum.thread(300, author);
        List<User> readers = List.of(forum.member(300), forum.member(300), forum.member(300));
        readers.forEach(u -> forum.post(author, doomed, "@" + u.username()));

        forum.deliver(Events.threadDeleted(doomed));

        await().atMost(Duration.ofSeconds(10)).until(() -> !refetches(doomed).isEmpty());
        JsonNode refetch = refetches(doomed).get(0);
        assertThat(refetch.path("audience").asText()).isEqualTo("readers");
        assertThat(refetch.path("min_tier_cents").asInt()).isEqualTo(300);
        assertThat(refetch.path("payload").path("refetch_within_ms").asLong()).isBetween(1_000L, 60_000L);
        assertThat(refetches(doomed)).hasSize(1);
        for (User u : readers) {
            assertThat(unread.findUnreadCounts(u.id()).total()).isZero();
            assertThat(pushes.forUser(u.id(), "unread_count_updated")).isEmpty();
        }
    }

    @Test
    void threadDeletedForFewUsersStillPushesTheirCounts() {
        User author = forum.member(0);
        long thread = forum.thread(0, author);
        User alice = forum.member(0);
        forum.post(author, thread, "@" + alice.username());

        forum.deliver(Events.threadDeleted(thread));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !pushes.forUser(alice.id(), "unread_count_updated").isEmpty());
        assertThat(refetches(thread)).isEmpty();
    }

    private List<JsonNode> refetches(long threadId) {
        return pushes.matching(e -> "unread_counts_changed".equals(e.path("type").asText())
                && e.path("thread_id").asLong() == threadId);
    }
}
