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
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.forum.api.RedisEvents.thread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A change of the shard count opens a new epoch (on a database of its own: the app's relay, still at 16 shards, is
 * stopped for good here).
 */
@QuarkusTest
@TestProfile(ShardEpochTests.OwnDatabase.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
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


    @Test
    void aNewShardCountOpensAnEpochThatNumbersWhatWasPendingAndOldPositionsNeedAResync() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "before the change of N");
        events.await("new_message", thread(threadId));
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

            JsonPath old = EventFeed.internal().queryParam("shard", shard).queryParam("shard_epoch", 1)
                    .queryParam("after_seq", 0).get("/api/internal/events").then().statusCode(200).extract().jsonPath();
            assertThat(old.getBoolean("resync_required")).isTrue();
            assertThat(old.getList("events")).isEmpty();
            assertThat(old.getInt("shard_epoch")).isEqualTo(2);
            assertThat(old.getInt("shard_count")).isEqualTo(NEW_SHARDS);
            await().atMost(Duration.ofSeconds(20)).until(() -> EventFeed.shard(shard, 0)
                    .getList("events.payload.message.id", Long.class).contains(pending));
            assertThat(eight.open()).as("the same N keeps the epoch").isEqualTo(opened);
        } finally {
            relayAtEight.stop();
        }
    }
}
