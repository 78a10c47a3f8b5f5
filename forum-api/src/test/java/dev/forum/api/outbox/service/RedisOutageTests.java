package dev.forum.api.outbox.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.EventFeed;
import dev.forum.api.ForumApi;
import dev.forum.api.ForumTestDatabase;
import dev.forum.api.OwnRedisProfile;
import dev.forum.api.OwnRedisServer;
import dev.forum.api.TestUsers;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.pubsub.PubSubCommands;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@TestProfile(OwnRedisProfile.class)
@QuarkusTestResource(value = ForumTestDatabase.class, restrictToAnnotatedClass = false)
class RedisOutageTests {

    @Inject
    TestUsers users;

    @Inject
    OutboxRelay relay;

    @Inject
    RedisDataSource redis;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "ownredis.port")
    int redisPort;

    @Test
    void eventsCommittedWhileRedisIsDownAreInTheFeedAndPublishedWhenItReturns() throws Exception {
        TestUsers.TestUser alice = users.member();
        long threadId = ForumApi.createThread(alice, "outage");
        OwnRedisServer.shutdown(redisPort);

        long messageId = ForumApi.postMessage(alice, threadId, "written while Redis is down");

        long seq = await().atMost(Duration.ofSeconds(10)).until(() -> seqOfMessage(threadId, messageId), s -> s > 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> !relay.isLastPublishOk());
        given().get(TestHTTPResourceManager.getManagementUri() + "/health/ready").then().statusCode(200).body("status", equalTo("UP"));

        // The relay is held while Redis comes back, so that it cannot publish before this test listens.
        relay.stop();
        Process restarted = OwnRedisServer.startOn(redisPort);
        try {
            List<JsonNode> received = new CopyOnWriteArrayList<>();
            PubSubCommands.RedisSubscriber subscriber = redis.pubsub(String.class)
                    .subscribeToPatterns(List.of(relay.channels().eventsPattern()), (channel, message) -> {
                        try {
                            received.add(json.readTree(message));
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
            relay.start();
            try {
                await().atMost(Duration.ofSeconds(15)).until(() -> received.stream()
                        .anyMatch(e -> e.path("payload").path("message").path("id").asLong() == messageId));
            } finally {
                subscriber.unsubscribe();
            }
            JsonNode event = received.stream()
                    .filter(e -> e.path("payload").path("message").path("id").asLong() == messageId).findFirst().orElseThrow();
            assertThat(event.path("seq").asLong()).isEqualTo(seq);
            assertThat(relay.isLastPublishOk()).isTrue();
        } finally {
            relay.start();
            OwnRedisServer.stop(restarted);
        }
    }

    private long seqOfMessage(long threadId, long messageId) {
        JsonPath feed = EventFeed.thread(threadId, 0);
        Object seq = feed.get("events.find { it.type == 'new_message' && it.payload.message.id == " + messageId + " }.seq");
        return seq == null ? 0 : ((Number) seq).longValue();
    }
}
