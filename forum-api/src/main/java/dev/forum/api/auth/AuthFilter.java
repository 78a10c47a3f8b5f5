package dev.forum.api.auth;

import dev.forum.api.config.ForumConfig;
import dev.forum.api.user.service.AuthService;
import dev.forum.common.auth.SessionCredential;
import dev.forum.common.error.ErrorResponses;
import dev.forum.contract.AuthContract;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The one authentication check of the API. It runs after matching, on the endpoint's worker thread, for every
 * JAX-RS endpoint: {@link Public} endpoints pass, {@link InternalApi} resources need the internal token, every other
 * endpoint needs a live session (cookie {@code forum_session} or {@code Authorization: Bearer}); a write authenticated
 * by the cookie also needs the CSRF header ({@link AuthContract#passesCsrfCheck}). Static files and
 * {@code /q/*} are not JAX-RS and never reach it.
 */
public class AuthFilter {

    private final AuthService authService;
    private final CallerHolder callerHolder;
    private final byte[] internalToken;

    public AuthFilter(AuthService authService, CallerHolder callerHolder, ForumConfig config) {
        this.authService = authService;
        this.callerHolder = callerHolder;
        this.internalToken = config.internal().token().getBytes(StandardCharsets.UTF_8);
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        Class<?> type = resource.getResourceClass();
        if (method == null || type == null) {
            return Optional.empty();
        }
        if (type.isAnnotationPresent(InternalApi.class)) {
            String token = request.getHeaderString(AuthContract.INTERNAL_TOKEN_HEADER);
            boolean ok = token != null && MessageDigest.isEqual(internalToken, token.getBytes(StandardCharsets.UTF_8));
            return ok ? Optional.empty() : Optional.of(unauthorized("Missing or invalid internal token"));
        }
        if (method.isAnnotationPresent(Public.class) || type.isAnnotationPresent(Public.class)) {
            return Optional.empty();
        }
        String token = tokenOf(request);
        if (token == null) {
            return Optional.of(unauthorized("Authentication required"));
        }
        if (!AuthContract.passesCsrfCheck(request.getMethod(), request.getHeaderString(HttpHeaders.AUTHORIZATION),
                request.getHeaderString(AuthContract.CSRF_HEADER))) {
            return Optional.of(error(403, "csrf_check_failed",
                    "Cookie-authenticated writes need the " + AuthContract.CSRF_HEADER + " header"));
        }
        Optional<Caller> caller = authService.resolveToken(token);
        if (caller.isEmpty()) {
            return Optional.of(unauthorized("Invalid or expired session"));
        }
        callerHolder.set(caller.get());
        return Optional.empty();
    }

    static String tokenOf(ContainerRequestContext request) {
        Cookie cookie = request.getCookies().get(AuthContract.SESSION_COOKIE);
        return SessionCredential.tokenOf(request.getHeaderString(HttpHeaders.AUTHORIZATION),
                cookie == null ? null : cookie.getValue());
    }

    private static Response unauthorized(String message) {
        return error(401, "unauthorized", message);
    }

    private static Response error(int status, String code, String message) {
        return ErrorResponses.of(status, code, message, null).build();
    }
}
