package dev.forum.gateway.endpoint;

import dev.forum.common.auth.SessionCredential;
import dev.forum.contract.AuthContract;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.FailedAuthThrottle;
import dev.forum.gateway.metrics.GatewayMetrics;
import dev.forum.gateway.registry.EndpointKind;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Authenticates every upgrade to our endpoints before it happens: the session token comes from the
 * {@code forum_session} cookie or an {@code Authorization: Bearer} header (no query-string token:
 * browsers send the cookie, and URLs end up in logs) and is resolved by forum-api's
 * {@code /api/auth/me}. Unknown, expired or logged-out sessions get 401; forum-api unreachable, 503.
 * A cookie sent from a page of a foreign {@code Origin} gets 403 (cross-site WebSocket hijacking, see
 * {@link OriginPolicy}); requests without an Origin (non-browser clients) and bearer tokens (which a
 * browser never attaches by itself) are not subject to it. {@link SocketRoutes} answers each
 * {@link UpgradeRefusal} with its status and a JSON error.
 */
@ApplicationScoped
public class SessionUpgradeCheck {

    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final ForumApi forumApi;
    private final GatewayMetrics metrics;
    private final OriginPolicy origins;
    private final FailedAuthThrottle failures;

    public SessionUpgradeCheck(ForumApi forumApi, GatewayMetrics metrics, GatewayConfig config) {
        this.forumApi = forumApi;
        this.metrics = metrics;
        this.origins = new OriginPolicy(config.origins().allowed().orElse(List.of()));
        this.failures = new FailedAuthThrottle(config.auth().maxFailures(), config.auth().failureWindow().toNanos(),
                System::nanoTime);
    }

    @Scheduled(every = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictEndedFailureWindows() {
        failures.evictEnded();
    }

    /**
     * The decision on an upgrade request to one of our paths; on the thread path {@code threadId} is null when the
     * path's id is not a positive integer.
     */
    Uni<UpgradeDecision> perform(HttpServerRequest request, EndpointKind kind, Long threadId) {
        if (kind == EndpointKind.THREAD && threadId == null) {
            return refuse(UpgradeRefusal.BAD_THREAD_ID);
        }
        Cookie cookie = request.getCookie(AuthContract.SESSION_COOKIE);
        SessionCredential credential = SessionCredential.of(request.getHeader(HttpHeaders.AUTHORIZATION),
                cookie == null ? null : cookie.getValue());
        if (credential == null) {
            return refuse(UpgradeRefusal.UNAUTHORIZED);
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (credential.fromCookie() && origin != null && !origins.allows(origin, request.getHeader(HttpHeaders.HOST))) {
            Log.debugf("refusing WebSocket upgrade with the session cookie from origin %s", origin);
            return refuse(UpgradeRefusal.FOREIGN_ORIGIN);
        }
        String address = clientAddress(request);
        if (failures.isBlocked(address)) {
            return refuse(UpgradeRefusal.AUTH_THROTTLED);
        }
        String token = credential.token();
        return forumApi.resolveSession(token).onItemOrFailure().transform((session, failure) -> {
            if (failure != null) {
                Log.warnf("refusing WebSocket upgrade, cannot check the session: %s", failure.getMessage());
                return UpgradeRefusal.UPSTREAM_UNAVAILABLE;
            }
            if (session.isEmpty()) {
                failures.failed(address);
                return UpgradeRefusal.UNAUTHORIZED;
            }
            metrics.upgradeAccepted();
            return new UpgradeDecision.Admission(session.get().user(), token, session.get().expiresAt());
        });
    }

    private static Uni<UpgradeDecision> refuse(UpgradeRefusal refusal) {
        return Uni.createFrom().item(refusal);
    }

    /**
     * The client's address as the proxy in front saw it (the front door and the Ingress append it to
     * X-Forwarded-For), or the peer's address without a proxy.
     */
    static String clientAddress(HttpServerRequest request) {
        String forwarded = request.getHeader(FORWARDED_FOR);
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.substring(forwarded.lastIndexOf(',') + 1).trim();
        }
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
