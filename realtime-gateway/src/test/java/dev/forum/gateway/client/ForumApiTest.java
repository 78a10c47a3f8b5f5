package dev.forum.gateway.client;

import dev.forum.common.auth.ResolvedSession;
import dev.forum.common.auth.SessionLookup;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import dev.forum.gateway.config.TestGatewayConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The negative token cache, against a forum-api stand-in that counts its /api/auth/me calls. */
class ForumApiTest {

    private static final CurrentUser ALICE = new CurrentUser(1, "alice", "Alice", Role.MEMBER, 0);

    private final FakeForumApiClient forumApiClient = new FakeForumApiClient();
    private final ForumApi forumApi = new ForumApi(TestGatewayConfig.of(Map.of("forumApi.timeout", Duration.ofSeconds(5),
            "forumApi.internalToken", "internal", "access.cacheTtl", Duration.ofSeconds(1),
            "auth.negativeCacheTtl", Duration.ofMinutes(5))), forumApiClient,
            new SessionLookup(forumApiClient, Duration.ofSeconds(5)));

    @Test
    void aRefusedTokenIsRefusedAgainFromTheCacheWithoutAskingForumApi() {
        assertThat(resolve("forged")).isEmpty();
        assertThat(forumApiClient.meCalls.get()).isEqualTo(1);

        for (int i = 0; i < 5; i++) {
            assertThat(resolve("forged")).isEmpty();
        }
        assertThat(forumApiClient.meCalls.get()).isEqualTo(1);
    }

    @Test
    void aValidTokenIsAskedEveryTimeAndUnaffectedByRefusedOnes() {
        forumApiClient.validTokens.put("good", ALICE);

        assertThat(resolve("forged")).isEmpty();
        assertThat(resolve("good")).map(ResolvedSession::user).contains(ALICE);
        assertThat(resolve("good")).map(ResolvedSession::user).contains(ALICE);

        assertThat(forumApiClient.meCalls.get()).as("one refusal, then both valid look-ups").isEqualTo(3);
    }

    private Optional<ResolvedSession> resolve(String token) {
        return forumApi.resolveSession(token).await().atMost(Duration.ofSeconds(5));
    }
}
