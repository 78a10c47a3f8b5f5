package dev.forum.notify.auth;

import dev.forum.common.error.ApiException;
import dev.forum.contract.AuthContract;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses writes that carry the {@code forum_session} cookie but neither a bearer token nor the CSRF header (403
 * {@code csrf_check_failed}); the same rule as forum-api's ({@link AuthContract#passesCsrfCheck}).
 */
public class CsrfFilter {

    @ServerRequestFilter
    public void checkCsrf(ContainerRequestContext request) {
        if (request.getCookies().containsKey(AuthContract.SESSION_COOKIE)
                && !AuthContract.passesCsrfCheck(request.getMethod(), request.getHeaderString(HttpHeaders.AUTHORIZATION),
                        request.getHeaderString(AuthContract.CSRF_HEADER))) {
            throw new ApiException(403, "csrf_check_failed",
                    "Cookie-authenticated writes need the " + AuthContract.CSRF_HEADER + " header");
        }
    }
}
