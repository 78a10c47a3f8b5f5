package dev.forum.system;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forum.system.ForumHttp.Session;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.forum.system.Frames.WAIT;
import static dev.forum.system.Frames.newMessage;
import static dev.forum.system.Frames.ofThread;
import static dev.forum.system.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/** Nothing leaked: a user below a thread's tier gets none of its events, on any endpoint or replica. */
class TierFilteringIT extends StackTestBase {

    private static final int PAID_TIER = 500;

    private Session admin;

    @BeforeAll
    void prepare() {
        admin = http.admin();
    }

    @Test
    void memberBelowTierReceivesNothingOfAPaidThreadOnAnyEndpoint() {
        Session member = http.registerAndLogin(unique("member"));
        Session paid = http.registerAndLogin(unique("paid"));
        http.setTier(admin, paid.userId(), PAID_TIER);
        long paidThread = http.createThread(admin, "Paid only", "secret", PAID_TIER).path("id").asLong();
        long publicThread = http.createThread(admin, "Public", "hello", 0).path("id").asLong();

        try (WsClient memberV2 = WsClient.connect(stack.gateway(0).wsUri(V2), member.token());
             WsClient memberGlobal = WsClient.connect(stack.gateway(1).wsUri("/api/forum/ws/global"), member.token());
             WsClient memberLegacy = WsClient.connect(
                     stack.gateway(1).wsUri("/api/forum/ws/thread/" + paidThread), member.token());
             WsClient paidV2 = WsClient.connect(stack.gateway(1).wsUri(V2), paid.token())) {
            JsonNode refused = memberLegacy.awaitType("error", WAIT);
            assertThat(refused.path("code").asText()).isEqualTo("forbidden_thread");
            assertThat(memberLegacy.awaitClose(WAIT)).isEqualTo(4503);

            memberV2.subscribe(paidThread);
            JsonNode error = memberV2.awaitType("error", WAIT);
            assertThat(error.path("code").asText()).isEqualTo("forbidden_thread");
            assertThat(error.path("temporary").asBoolean()).isFalse();
            memberV2.subscribe(publicThread);
            memberV2.await(type("subscribed", publicThread), WAIT);
            paidV2.subscribe(paidThread);
            paidV2.await(type("subscribed", paidThread), WAIT);

            long secret = http.postMessage(admin, paidThread, "for paying members").path("id").asLong();
            http.like(paid, secret);
            http.editMessage(admin, secret, "still secret");
            paidV2.typingOn(paidThread);
            http.createThread(admin, "Another paid thread", "secret too", PAID_TIER);
            paidV2.await(type("message_edited", paidThread), WAIT);

            long marker = http.postMessage(admin, publicThread, "marker").path("id").asLong();
            long publicMarker = http.createThread(admin, "Public marker", "everyone", 0).path("id").asLong();
            memberV2.await(newMessage(marker), WAIT);
            memberGlobal.await(type("new_thread_created", publicMarker), WAIT);
            paidV2.await(newMessage(secret), WAIT);
            assertThat(memberV2.frames()).noneMatch(ofThread(paidThread));
            assertThat(memberGlobal.frames()).noneMatch(ofThread(paidThread));
            assertThat(memberGlobal.frames()).noneMatch(type("new_thread_created")
                    .and(frame -> frame.path("thread").path("min_tier_cents").asInt() > 0));
        }
    }

    @Test
    void raisingATierRevokesSubscribersWhoLostAccessAtOnce() {
        Session member = http.registerAndLogin(unique("member"));
        Session paid = http.registerAndLogin(unique("paid"));
        http.setTier(admin, paid.userId(), PAID_TIER);
        long threadId = http.createThread(admin, "Soon paid", "open for now", 0).path("id").asLong();
        try (WsClient memberV2 = WsClient.connect(stack.gateway(0).wsUri(V2), member.token());
             WsClient paidV2 = WsClient.connect(stack.gateway(1).wsUri(V2), paid.token())) {
            memberV2.subscribe(threadId);
            paidV2.subscribe(threadId);
            memberV2.await(type("subscribed", threadId), WAIT);
            paidV2.await(type("subscribed", threadId), WAIT);

            http.patchThread(admin, threadId, Map.of("min_tier_cents", PAID_TIER));
            JsonNode revoked = memberV2.await(type("subscription_revoked", threadId), WAIT);
            assertThat(revoked.path("reason").asText()).isEqualTo("access_lost");
            paidV2.await(type("thread_updated", threadId), WAIT);

            long secret = http.postMessage(admin, threadId, "now paid").path("id").asLong();
            paidV2.await(newMessage(secret), WAIT);
            memberV2.send(Map.of("type", "ping"));
            memberV2.awaitType("pong", WAIT);
            assertThat(memberV2.frames()).noneMatch(type("thread_updated"));
            assertThat(memberV2.frames()).noneMatch(newMessage(secret));

            memberV2.subscribe(threadId);
            assertThat(memberV2.await(type("error").and(f -> "subscribe".equals(f.path("request").asText())), WAIT)
                    .path("code").asText()).isEqualTo("forbidden_thread");
        }
    }

    @Test
    void deletingAThreadEndsItsSubscriptions() {
        Session member = http.registerAndLogin(unique("member"));
        long threadId = http.createThread(admin, "Short lived", "bye soon", 0).path("id").asLong();
        try (WsClient memberV2 = WsClient.connect(stack.gateway(1).wsUri(V2), member.token())) {
            memberV2.subscribe(threadId);
            memberV2.await(type("subscribed", threadId), WAIT);
            http.deleteThread(admin, threadId);
            memberV2.await(type("thread_deleted", threadId), WAIT);
            JsonNode revoked = memberV2.await(type("subscription_revoked", threadId), WAIT);
            assertThat(revoked.path("reason").asText()).isEqualTo("thread_deleted");
            memberV2.subscribe(threadId);
            assertThat(memberV2.await(type("error"), WAIT).path("code").asText()).isEqualTo("thread_not_found");
        }
    }
}
