package dev.forum.api.user.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.common.ApiException;
import dev.forum.api.user.mapping.UserView;
import dev.forum.api.user.service.UserService;
import dev.forum.contract.Role;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.PATCH;
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
}
