package dev.forum.api.user.rest;

import dev.forum.api.auth.Caller;
import dev.forum.api.auth.CallerHolder;
import dev.forum.api.auth.Public;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.user.service.AuthService;
import dev.forum.common.error.ApiException;
import dev.forum.contract.AuthContract;
import dev.forum.contract.CurrentUser;
import io.vertx.core.http.HttpServerRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/auth")
@Tag(name = "auth")
public class AuthResource {

    private final AuthService authService;
    private final CallerHolder caller;
    private final ForumConfig config;

    public AuthResource(AuthService authService, CallerHolder caller, ForumConfig config) {
        this.authService = authService;
        this.caller = caller;
        this.config = config;
    }

    @POST
    @Path("/register")
    @Public
    @Operation(summary = "Create a member account")
    @APIResponse(responseCode = "201", description = "The new user (CurrentUser)")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "409", description = "username_taken, username_reserved")
    @APIResponse(responseCode = "429", description = "rate_limited: too many registrations from this address (Retry-After)")
    public Response register(@Valid @NotNull AuthRequests.Register body, @Context HttpServerRequest request) {
        CurrentUser user = authService.registerMember(body.username(), body.password(), body.displayName(),
                clientAddress(request)).toCurrentUser();
        return Response.status(201).entity(user).build();
    }

    @POST
    @Path("/login")
    @Public
    @Operation(summary = "Log in: sets the forum_session cookie and returns the bearer token")
    @APIResponse(responseCode = "200", description = "{token, user}")
    @APIResponse(responseCode = "401", description = "invalid_credentials")
    @APIResponse(responseCode = "403", description = "account_suspended")
    @APIResponse(responseCode = "429", description = "rate_limited: too many attempts for this account or from this address (Retry-After)")
    public Response login(@Valid @NotNull AuthRequests.Login body, @Context HttpServerRequest request) {
        AuthService.NewSession session = authService.login(body.username(), body.password(), clientAddress(request))
                .orElseThrow(() -> new ApiException(401, "invalid_credentials", "Wrong username or password", null, null));
        NewCookie cookie = new NewCookie.Builder(AuthContract.SESSION_COOKIE)
                .value(session.token())
                .path("/")
                .httpOnly(true)
                .secure(config.auth().cookieSecure())
                .sameSite(NewCookie.SameSite.LAX)
                .maxAge((int) config.auth().sessionTtl().toSeconds())
                .build();
        return Response.ok(new AuthRequests.LoginResult(session.token(), session.user().toCurrentUser()))
                .cookie(cookie)
                .build();
    }

    /** The client's address; behind a proxy, the forwarded one when quarkus.http.proxy.* trusts it. */
    private static String clientAddress(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    @POST
    @Path("/logout")
    @Operation(summary = "Revoke the current session everywhere")
    @APIResponse(responseCode = "204", description = "Logged out; the token no longer works")
    @APIResponse(responseCode = "401", description = "unauthorized")
    public Response logout() {
        authService.logout(caller.get());
        NewCookie expired = new NewCookie.Builder(AuthContract.SESSION_COOKIE)
                .value("")
                .path("/")
                .httpOnly(true)
                .secure(config.auth().cookieSecure())
                .sameSite(NewCookie.SameSite.LAX)
                .maxAge(0)
                .build();
        return Response.noContent().cookie(expired).build();
    }

    @GET
    @Path("/me")
    @Operation(summary = "The caller (CurrentUser); other services resolve tokens with it")
    @APIResponse(responseCode = "200", description = "CurrentUser; header X-Session-Expires-At: when this session expires")
    @APIResponse(responseCode = "401", description = "unauthorized")
    public RestResponse<CurrentUser> me() {
        Caller current = caller.get();
        RestResponse.ResponseBuilder<CurrentUser> response = RestResponse.ResponseBuilder.ok(current.user());
        if (current.sessionExpiresAt() != null) {
            response.header(AuthContract.SESSION_EXPIRES_HEADER, current.sessionExpiresAt().toString());
        }
        return response.build();
    }
}
