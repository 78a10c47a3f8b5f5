package dev.forum.gateway.endpoint;

import dev.forum.common.auth.SessionCredential;
import dev.forum.contract.AuthContract;
import dev.forum.gateway.client.ForumApi;
import dev.forum.gateway.config.GatewayConfig;
import dev.forum.gateway.internal.FailedAuthThrottle;
import dev.forum.gateway.metrics.GatewayMetrics;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;

/**
 * Authenticates every upgrade to our endpoints before it happens: the session token comes from the
 * {@code forum_session} cookie or an {@code Authorization: Bearer} header (no query-string token:
 * browsers send the cookie, and URLs end up in logs) and is resolved by forum-api's
 * {@code /api/auth/me}. Unknown, expired or logged-out sessions get 401; forum-api unreachable, 503.
 * A cookie sent from a page of a foreign {@code Origin} gets 403 (cross-site WebSocket hijacking, see
 * {@link OriginPolicy}); requests without an Origin (non-browser clients) and bearer tokens (which a
 * browser never attaches by itself) are not subject to it.
 */
@ApplicationScoped
public class SessionUpgradeCheck implements HttpUpgradeCheck {

    private static final Set<String> ENDPOINTS = Set.of(V2WebSocket.ID, ThreadWebSocket.ID, GlobalWebSocket.ID);
    private static final int UNAUTHORIZED = 401;
    private static final int BAD_REQUEST = 400;
    private static final int FORBIDDEN = 403;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final String FORWARDED_FOR = "X-Forwarded-For";
    private static final int UNAVAILABLE = 503;

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

    @Override
    public boolean appliesTo(String endpointId) {
        return ENDPOINTS.contains(endpointId);
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        if (ThreadWebSocket.ID.equals(context.endpointId())
                && ThreadWebSocket.parseThreadId(context.pathParam(ThreadWebSocket.THREAD_ID)) == null) {
            return refuse(BAD_REQUEST, "bad_thread_id");
        }
        HttpServerRequest request = context.httpRequest();
        Cookie cookie = request.getCookie(AuthContract.SESSION_COOKIE);
        SessionCredential credential = SessionCredential.of(request.getHeader(HttpHeaders.AUTHORIZATION),
                cookie == null ? null : cookie.getValue());
        if (credential == null) {
            return refuse(UNAUTHORIZED, "unauthorized");
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (credential.fromCookie() && origin != null && !origins.allows(origin, request.getHeader(HttpHeaders.HOST))) {
            Log.debugf("refusing WebSocket upgrade with the session cookie from origin %s", origin);
            return refuse(FORBIDDEN, "foreign_origin");
        }
        String address = clientAddress(request);
        if (failures.isBlocked(address)) {
            return refuse(TOO_MANY_REQUESTS, "auth_throttled");
        }
        String token = credential.token();
        return forumApi.resolveSession(token).onItemOrFailure().transformToUni((user, failure) -> {
            if (failure != null) {
                Log.warnf("refusing WebSocket upgrade, cannot check the session: %s", failure.getMessage());
                return refuse(UNAVAILABLE, "upstream_unavailable");
            }
            if (user.isEmpty()) {
                failures.failed(address);
                return refuse(UNAUTHORIZED, "unauthorized");
            }
            context.userData().put(ConnectionKeys.USER, user.get().user());
            context.userData().put(ConnectionKeys.TOKEN, token);
            if (user.get().expiresAt() != null) {
                context.userData().put(ConnectionKeys.EXPIRES_AT, user.get().expiresAt());
            }
            metrics.upgradeAccepted();
            return CheckResult.permitUpgrade();
        });
    }

    private Uni<CheckResult> refuse(int status, String reason) {
        metrics.upgradeRefused(reason);
        return CheckResult.rejectUpgrade(status);
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
