package dev.forum.api.moderation.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.moderation.service.ModerationService;
import dev.forum.common.error.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;
import java.util.List;

@Path("/api/forum/moderation")
@Tag(name = "moderation")
public class ModerationResource {

    private final ModerationService moderation;
    private final CallerHolder caller;

    public ModerationResource(ModerationService moderation, CallerHolder caller) {
        this.moderation = moderation;
        this.caller = caller;
    }

    public record RestrictionRequest(@NotBlank @Size(max = 500) String reason, Instant until) {
    }

    @GET
    @Path("/everyone")
    @Operation(summary = "Whether @everyone is enabled, and who changed it last")
    @APIResponse(responseCode = "200", description = "{enabled, changed_by, changed_at}")
    public ModerationService.EveryoneState getEveryone() {
        return moderation.findEveryoneState();
    }

    @POST
    @Path("/everyone/disable")
    @Operation(summary = "Emergency: disable @everyone for all (admin)")
    @APIResponse(responseCode = "200", description = "The new state")
    @APIResponse(responseCode = "403", description = "Not an admin")
    public ModerationService.EveryoneState disableEveryone() {
        return moderation.replaceEveryoneEnabled(caller.requireAdmin(), false);
    }

    @POST
    @Path("/everyone/enable")
    @Operation(summary = "Re-enable @everyone (admin)")
    @APIResponse(responseCode = "200", description = "The new state")
    @APIResponse(responseCode = "403", description = "Not an admin")
    public ModerationService.EveryoneState enableEveryone() {
        return moderation.replaceEveryoneEnabled(caller.requireAdmin(), true);
    }

    @PUT
    @Path("/users/{id}/everyone-restriction")
    @Operation(summary = "Forbid a user to mention @everyone (moderator)")
    @APIResponse(responseCode = "200", description = "The restriction")
    @APIResponse(responseCode = "403", description = "Not a moderator")
    @APIResponse(responseCode = "404", description = "Unknown user")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public ModerationService.Restriction fullyUpdateRestriction(@PathParam("id") long userId,
                                                                @Valid @NotNull RestrictionRequest body) {
        return moderation.replaceRestriction(caller.requireStaff(), userId, body.reason(), body.until())
                .orElseThrow(() -> ApiException.notFound("User"));
    }

    @DELETE
    @Path("/users/{id}/everyone-restriction")
    @Operation(summary = "Lift a user's @everyone restriction (moderator)")
    @APIResponse(responseCode = "204", description = "Lifted")
    @APIResponse(responseCode = "403", description = "Not a moderator")
    @APIResponse(responseCode = "404", description = "No restriction")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public Response deleteRestriction(@PathParam("id") long userId) {
        if (!moderation.deleteRestriction(caller.requireStaff(), userId)) {
            throw ApiException.notFound("Restriction");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("/restrictions")
    @Operation(summary = "Active @everyone restrictions (moderator)")
    @APIResponse(responseCode = "200", description = "[Restriction]")
    @APIResponse(responseCode = "403", description = "Not a moderator")
    public List<ModerationService.Restriction> getRestrictions() {
        caller.requireStaff();
        return moderation.findActiveRestrictions();
    }
}
