package dev.forum.api.user.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.user.mapping.MentionCandidate;
import dev.forum.api.user.mapping.UserProfile;
import dev.forum.api.user.service.UserDirectoryService;
import dev.forum.common.error.ApiException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.regex.Pattern;

@Path("/api/forum/users")
@Tag(name = "users")
public class UserResource {

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,32}");

    private final UserDirectoryService directory;
    private final CallerHolder caller;

    public UserResource(UserDirectoryService directory, CallerHolder caller) {
        this.directory = directory;
        this.caller = caller;
    }

    public record Candidates(List<MentionCandidate> users) {
    }

    @GET
    @Operation(summary = "Mention autocomplete: users whose username starts with prefix and who may read the thread "
            + "(the caller excluded), by username; rate limited per user")
    @APIResponse(responseCode = "200", description = "{users: [{id, username, display_name, role}]}")
    @APIResponse(responseCode = "400", description = "invalid_parameter: prefix missing or not 1-32 of [A-Za-z0-9_.-]; "
            + "thread_id or limit does not parse")
    @APIResponse(responseCode = "404", description = "thread_id unknown, deleted or above the caller's tier")
    @APIResponse(responseCode = "429", description = "rate_limited (Retry-After): more than forum.rate-limit.lookups per window")
    public Candidates getMentionCandidates(@QueryParam("prefix") String prefix,
                                           @QueryParam("thread_id") Long threadId,
                                           @QueryParam("limit") @DefaultValue("8") int limit) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw ApiException.badRequest("invalid_parameter", "prefix must be 1-32 letters, digits, _ . or -", "prefix");
        }
        return directory.findMentionableUsers(caller.get(), prefix, threadId, limit)
                .map(Candidates::new)
                .orElseThrow(() -> ApiException.notFound("Thread"));
    }

    @GET
    @Path("/{username}")
    @Operation(summary = "A user's profile card: username, display name, role, join date and their 5 latest messages "
            + "in threads the caller may read")
    @APIResponse(responseCode = "200", description = "UserProfile")
    @APIResponse(responseCode = "404", description = "No such user")
    public UserProfile getUserProfile(@PathParam("username") String username) {
        return directory.findUserProfile(caller.get(), username).orElseThrow(() -> ApiException.notFound("User"));
    }
}
