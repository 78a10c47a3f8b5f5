package dev.forum.api.user.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.user.mapping.UserView;
import dev.forum.api.user.service.UserService;
import dev.forum.common.error.ApiException;
import dev.forum.contract.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/admin/users")
@Tag(name = "admin")
public class AdminUserResource {

    private final UserService userService;
    private final CallerHolder caller;

    public AdminUserResource(UserService userService, CallerHolder caller) {
        this.userService = userService;
        this.caller = caller;
    }

    public record SessionsEnded(long userId, int endedSessions) {
    }

    public record UserPatch(Role role, @Min(0) Integer tierCents) {
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Change a user's role and/or membership tier (admin)")
    @APIResponse(responseCode = "200", description = "The updated user")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "Unknown user")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public UserView partiallyUpdateUser(@PathParam("id") long id, @Valid @NotNull UserPatch body) {
        caller.requireAdmin();
        return userService.partialUpdateUser(id, body.role(), body.tierCents())
                .orElseThrow(() -> ApiException.notFound("User"));
    }

    @POST
    @Path("/{id}/suspend")
    @Operation(summary = "Suspend a user (admin): no login, every session ended, sockets closed")
    @APIResponse(responseCode = "200", description = "The user, suspended: true")
    @APIResponse(responseCode = "400", description = "cannot_suspend_self; invalid_parameter")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "Unknown user")
    public UserView suspendUser(@PathParam("id") long id) {
        if (caller.requireAdmin().id() == id) {
            throw ApiException.badRequest("cannot_suspend_self", "Admins cannot suspend themselves", null);
        }
        return userService.suspendUser(id, true).orElseThrow(() -> ApiException.notFound("User"));
    }

    @POST
    @Path("/{id}/unsuspend")
    @Operation(summary = "Lift a suspension (admin)")
    @APIResponse(responseCode = "200", description = "The user, suspended: false")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "Unknown user")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public UserView unsuspendUser(@PathParam("id") long id) {
        caller.requireAdmin();
        return userService.suspendUser(id, false).orElseThrow(() -> ApiException.notFound("User"));
    }

    @POST
    @Path("/{id}/end-sessions")
    @Operation(summary = "End all sessions of a user (admin): every token stops working, sockets closed")
    @APIResponse(responseCode = "200", description = "{user_id, ended_sessions}")
    @APIResponse(responseCode = "403", description = "Not an admin")
    @APIResponse(responseCode = "404", description = "Unknown user")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public SessionsEnded endSessions(@PathParam("id") long id) {
        caller.requireAdmin();
        return userService.endAllSessions(id).map(n -> new SessionsEnded(id, n))
                .orElseThrow(() -> ApiException.notFound("User"));
    }
}
