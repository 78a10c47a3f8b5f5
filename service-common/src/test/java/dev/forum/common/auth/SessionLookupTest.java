package dev.forum.common.auth;

import dev.forum.contract.AuthContract;
import dev.forum.contract.CurrentUser;
import dev.forum.contract.Role;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.resteasy.reactive.RestResponse;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What each answer of {@code /api/auth/me} means, against a stand-in for forum-api's REST client that answers as
 * told (the client itself is exercised by the services' tests against a real forum-api).
 */
class SessionLookupTest {

    private static final CurrentUser ALICE = new CurrentUser(1, "alice", "Alice", Role.MEMBER, 0);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SHORT_TIMEOUT = Duration.ofMillis(200);

    private final AtomicReference<Uni<RestResponse<CurrentUser>>> answer = new AtomicReference<>();
    private final AtomicReference<String> sentAuthorization = new AtomicReference<>();
    private final SessionLookup lookup = new SessionLookup(authorization -> {
        sentAuthorization.set(authorization);
        return answer.get();
    }, TIMEOUT);

    @Test
    void resolveAcceptedTokenIsTheUserWithTheSessionsExpiry() {
        Instant expiry = Instant.parse("2030-01-02T03:04:05Z");
        answer.set(Uni.createFrom().item(RestResponse.ResponseBuilder.ok(ALICE)
                .header(AuthContract.SESSION_EXPIRES_HEADER, expiry.toString()).build()));

        assertThat(resolve("good")).contains(new ResolvedSession(ALICE, expiry));
        assertThat(sentAuthorization.get()).isEqualTo("Bearer good");
    }

    @Test
    void resolveAcceptedTokenWithoutReadableExpiryHasNoExpiry() {
        answer.set(Uni.createFrom().item(RestResponse.ResponseBuilder.ok(ALICE)
                .header(AuthContract.SESSION_EXPIRES_HEADER, "tomorrow").build()));

        assertThat(resolve("good")).contains(new ResolvedSession(ALICE, null));
    }

    @Test
    void resolveRefusedTokenIsEmpty() {
        answer.set(Uni.createFrom().failure(new WebApplicationException(401)));

        assertThat(resolve("forged")).isEmpty();
    }

    @Test
    void resolveForbiddenTokenIsEmpty() {
        answer.set(Uni.createFrom().failure(new WebApplicationException(403)));

        assertThat(resolve("suspended")).isEmpty();
    }

    @Test
    void resolveServerErrorFailsClosed() {
        answer.set(Uni.createFrom().failure(new WebApplicationException(503)));

        assertThatThrownBy(() -> resolve("any")).isInstanceOf(AuthUnavailableException.class);
    }

    @Test
    void resolveUnreachableForumApiFailsClosed() {
        answer.set(Uni.createFrom().failure(new ProcessingException(new ConnectException("Connection refused"))));

        assertThatThrownBy(() -> resolve("any")).isInstanceOf(AuthUnavailableException.class);
    }

    @Test
    void resolveWithoutAnswerFailsClosedAfterTheTimeout() {
        answer.set(Uni.createFrom().nothing());
        SessionLookup impatient = new SessionLookup(authorization -> answer.get(), SHORT_TIMEOUT);

        assertThatThrownBy(() -> impatient.resolve("any").await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(AuthUnavailableException.class);
    }

    @Test
    void resolveWhenTheClientThrowsFailsClosed() {
        SessionLookup throwing = new SessionLookup(authorization -> {
            throw new IllegalStateException("client closed");
        }, TIMEOUT);

        assertThatThrownBy(() -> throwing.resolve("any").await().atMost(Duration.ofSeconds(30)))
                .isInstanceOf(AuthUnavailableException.class);
    }

    private Optional<ResolvedSession> resolve(String token) {
        return lookup.resolve(token).await().atMost(Duration.ofSeconds(30));
    }
}
