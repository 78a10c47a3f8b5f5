package dev.forum.common.auth;

import dev.forum.contract.AuthContract;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.WebApplicationException;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Resolves a session token with forum-api's {@code /api/auth/me}; the one place that says what its answers mean:
 * <ul>
 * <li>2xx: the session, with its expiry from {@code X-Session-Expires-At} (null if absent or unreadable);</li>
 * <li>401 or 403: the token is not (or no longer) valid: {@code Optional.empty()};</li>
 * <li>anything else (5xx, refused connection, no answer within the timeout): {@link AuthUnavailableException}.
 * Callers fail closed on it (the gateway refuses the upgrade with 503, notification-service answers 503), never
 * treating "cannot tell" as either valid or invalid.</li>
 * </ul>
 * Non-blocking; a worker thread may {@code await()} it (the timeout bounds the wait).
 */
public final class SessionLookup {

    private static final Logger LOG = Logger.getLogger(SessionLookup.class);

    private final AuthMeApi api;
    private final Duration timeout;

    public SessionLookup(AuthMeApi api, Duration timeout) {
        this.api = api;
        this.timeout = timeout;
    }

    /** A REST client for forum-api at {@code baseUrl}: connecting, reading and the whole call bounded by {@code timeout}. */
    public static SessionLookup connect(String baseUrl, Duration timeout) {
        AuthMeApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(baseUrl))
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .build(AuthMeApi.class);
        return new SessionLookup(api, timeout);
    }

    public Uni<Optional<ResolvedSession>> resolve(String token) {
        Uni<Optional<ResolvedSession>> call;
        try {
            call = api.me(SessionCredential.bearer(token))
                    .map(response -> Optional.of(new ResolvedSession(response.getEntity(),
                            instantOrNull(response.getHeaderString(AuthContract.SESSION_EXPIRES_HEADER)))));
        } catch (RuntimeException e) {
            call = Uni.createFrom().failure(e);
        }
        return call
                .ifNoItem().after(timeout).failWith(() -> new AuthUnavailableException(
                        "forum-api " + AuthContract.ME_PATH + " did not answer within " + timeout, null))
                .onFailure(SessionLookup::refused).recoverWithItem(Optional.empty())
                .onFailure(failure -> !(failure instanceof AuthUnavailableException)).transform(failure ->
                        new AuthUnavailableException("forum-api " + AuthContract.ME_PATH + " failed: " + failure, failure));
    }

    /** 401 and 403 mean "this token is not valid"; only those. */
    static boolean refused(Throwable failure) {
        if (failure instanceof WebApplicationException wae && wae.getResponse() != null) {
            int status = wae.getResponse().getStatus();
            return status == 401 || status == 403;
        }
        return false;
    }

    private static Instant instantOrNull(String value) {
        try {
            return value == null ? null : Instant.parse(value);
        } catch (DateTimeParseException e) {
            LOG.warnf("forum-api sent an unreadable %s: %s", AuthContract.SESSION_EXPIRES_HEADER, value);
            return null;
        }
    }
}
