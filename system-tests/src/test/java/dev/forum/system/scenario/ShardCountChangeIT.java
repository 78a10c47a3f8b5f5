package dev.forum.system.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp;
import dev.forum.system.ForumHttp.Session;
import dev.forum.system.ServiceProcess;
import dev.forum.system.Stack;
import dev.forum.system.StackTestBase;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14: a change of the event shard count (FORUM_EVENT_SHARDS) loses nothing for notification-service. It is
 * stopped while mentions are posted in epoch 1 (16 shards); forum-api restarts with 4 shards (epoch 2) and more
 * mentions are posted; notification-service restarts, configured with 4 shards as an operator sets them alike. It
 * reads what was left of epoch 1 (its own 16 shards, not the 4 it was configured with) to the end, then epoch 2 from
 * its start: every mention of both epochs is notified exactly once, through its REST API. (A consumer that asked
 * for its configured 4 shards of epoch 1 read only -1..3, called the epoch finished and skipped 4..15 without a
 * WARN: this test then times out waiting for their mentions.)
 */
class ShardCountChangeIT extends StackTestBase {

    private static final int THREADS = 6;
    private static final int NEW_SHARDS = 4;
    /** Restarts mid-test on a machine the other suites load too: more than the harness' start-up timeout. */
    private static final Duration RESTART_TIMEOUT = Duration.ofMinutes(3);

    @Override
    protected Stack.Builder configure(Stack.Builder builder) {
        // forum-api restarts mid-test; its JIT warm-up is not under test here and, on a loaded machine, can hold
        // its readiness past the harness' timeout.
        return builder.gateways(1).withNotificationService().forumApiProperty("forum.warmup.enabled", "false");
    }

    @Test
    void mentionsOfBothEpochsAreNotifiedOnceWhenNotificationServiceWasBehindTheChange() throws IOException {
        ServiceProcess service = stack.notificationService()
                .orElseThrow(() -> new IllegalStateException("notification-service is not packaged"));
        ForumHttp notifications = new ForumHttp(service.httpUrl(), stack.internalToken());
        Session author = Wire.user(http, "author", "member", 0);
        Session target = Wire.user(http, "target", "member", 0);
        String mention = "@" + target.username() + " ";
        List<Long> threads = new ArrayList<>();
        List<Long> posted = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            threads.add(http.createThread(author, Wire.unique("Epochs"), "start", 0).path("id").asLong());
            posted.add(http.postMessage(author, threads.get(i), mention + "caught up").path("id").asLong());
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Wire.mentionsByMessage(notifications, target).keySet().containsAll(posted));
        assertThat(http.eventShardCount()).isEqualTo(16);

        service.stop();
        for (long thread : threads) {
            posted.addAll(http.postMessages(author, thread, 3, mention + "epoch 1 while behind"));
        }

        stack.forumApi().stop();
        stack.forumApi().property("forum.events.shard-count", String.valueOf(NEW_SHARDS)).start()
                .awaitReady(RESTART_TIMEOUT);
        ForumHttp afterChange = stack.http();
        assertThat(afterChange.eventPositions(Map.of(-1, 0L), 1).path("shard_epoch").asInt()).isEqualTo(2);
        assertThat(afterChange.eventShardCount()).isEqualTo(NEW_SHARDS);
        for (long thread : threads) {
            posted.addAll(afterChange.postMessages(author, thread, 2, mention + "epoch 2"));
        }
        long newThread = afterChange.createThread(author, Wire.unique("Epoch 2"), "start", 0).path("id").asLong();
        posted.add(afterChange.postMessage(author, newThread, mention + "new thread").path("id").asLong());

        service.property("notify.events.shard-count", String.valueOf(NEW_SHARDS)).start()
                .awaitReady(RESTART_TIMEOUT);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Wire.mentionsByMessage(notifications, target).keySet().containsAll(posted));
        await().atMost(Duration.ofSeconds(30)).until(() -> consumerEpoch(service) == 2);

        Map<Long, Integer> mentions = Wire.mentionsByMessage(notifications, target);
        assertThat(mentions.keySet()).containsExactlyInAnyOrderElementsOf(posted);
        assertThat(mentions.values()).as("one mention notification per message").containsOnly(1);
        String log = Files.readString(stack.logDir().resolve(service.name() + ".log"));
        assertThat(log).contains("finishing epoch 1 first").contains("shard epoch 1 consumed to its end")
                .doesNotContain("serves the old one no more");
    }

    /** The shard epoch notification-service consumes, from its readiness data. */
    private static int consumerEpoch(ServiceProcess service) throws IOException {
        for (JsonNode check : ForumHttp.JSON.readTree(service.get("/q/health/ready")).path("checks")) {
            if ("notification-consumer".equals(check.path("name").asText())) {
                return check.path("data").path("shard_epoch").asInt();
            }
        }
        return 0;
    }
}
