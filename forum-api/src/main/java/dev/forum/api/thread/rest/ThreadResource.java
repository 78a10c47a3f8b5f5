package dev.forum.api.thread.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.thread.mapping.ThreadDetail;
import dev.forum.api.thread.mapping.ThreadPage;
import dev.forum.api.thread.mapping.ThreadView;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.common.error.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Optional;

@Path("/api/forum/threads")
@Tag(name = "threads")
public class ThreadResource {

    private final ThreadService threads;
    private final CallerHolder caller;

    public ThreadResource(ThreadService threads, CallerHolder caller) {
        this.threads = threads;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "List threads: pinned first, then last activity; keyset-paged by an opaque cursor")
    @APIResponse(responseCode = "200", description = "ThreadPage {threads, next_cursor}")
    @APIResponse(responseCode = "400", description = "Bad cursor; invalid_parameter (limit, parent_thread_id)")
    @APIResponse(responseCode = "401", description = "unauthorized")
    public ThreadPage getThreads(@QueryParam("limit") @DefaultValue("20") int limit,
                                 @QueryParam("cursor") String cursor,
                                 @QueryParam("parent_thread_id") Long parentThreadId) {
        return threads.findAllThreads(caller.get(), limit, cursor, parentThreadId);
    }

    @POST
    @Operation(summary = "Create a thread with its first message (the author follows it)")
    @APIResponse(responseCode = "201", description = "ThreadView")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "429", description = "rate_limited (Retry-After)")
    public Response createThread(@Valid @NotNull ThreadRequests.CreateThread body, @Context UriInfo uri) {
        ThreadView thread = threads.persistThread(caller.get(), body.title(), body.content(), body.minTierCents());
        return Response.created(uri.getBaseUriBuilder().path("api/forum/threads/{id}").build(thread.id()))
                .entity(thread).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "A thread, is_following, and a page of its messages: after after_message_id (default), "
            + "immediately before before_message_id, or the newest page (latest=true)")
    @APIResponse(responseCode = "200", description = "ThreadDetail")
    @APIResponse(responseCode = "404", description = "Unknown, deleted, or above the caller's tier")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a parameter does not parse, "
            + "before_message_id < 1, latest not true/false, or after_message_id combined with before_message_id/latest")
    public ThreadDetail getThread(@PathParam("id") long id,
                                  @QueryParam("after_message_id") Long afterMessageId,
                                  @QueryParam("before_message_id") Long beforeMessageId,
                                  @QueryParam("latest") String latest,
                                  @QueryParam("limit") @DefaultValue("50") int limit) {
        boolean newest = parseFlag("latest", latest);
        if (afterMessageId != null && (beforeMessageId != null || newest)) {
            throw ApiException.badRequest("invalid_parameter",
                    "after_message_id cannot be combined with before_message_id or latest", "after_message_id");
        }
        if (beforeMessageId != null && newest) {
            throw ApiException.badRequest("invalid_parameter", "before_message_id cannot be combined with latest",
                    "before_message_id");
        }
        if (beforeMessageId != null && beforeMessageId < 1) {
            throw ApiException.badRequest("invalid_parameter", "before_message_id must be at least 1", "before_message_id");
        }
        Optional<ThreadDetail> found = beforeMessageId != null
                ? threads.findThreadByIdBefore(caller.get(), id, beforeMessageId, limit)
                : newest ? threads.findThreadByIdBefore(caller.get(), id, Long.MAX_VALUE, limit)
                : threads.findThreadById(caller.get(), id, afterMessageId == null ? 0 : afterMessageId, limit);
        return found.orElseThrow(() -> ApiException.notFound("Thread"));
    }

    private static boolean parseFlag(String name, String value) {
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw ApiException.badRequest("invalid_parameter", name + " must be true or false", name);
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Update title (author or moderator), is_pinned/is_locked/min_tier_cents (moderator)")
    @APIResponse(responseCode = "200", description = "ThreadView")
    @APIResponse(responseCode = "403", description = "forbidden")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public ThreadView partiallyUpdateThread(@PathParam("id") long id, @Valid @NotNull ThreadRequests.PatchThread body) {
        return threads.partialUpdateThread(caller.get(), id,
                        new ThreadService.ThreadPatch(body.title(), body.isPinned(), body.isLocked(), body.minTierCents()))
                .orElseThrow(() -> ApiException.notFound("Thread"));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Soft-delete a thread (author or moderator)")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "403", description = "forbidden")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public Response deleteThread(@PathParam("id") long id) {
        if (!threads.deleteThread(caller.get(), id)) {
            throw ApiException.notFound("Thread");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("/{id}/follow")
    @Operation(summary = "Follow a thread (idempotent)")
    @APIResponse(responseCode = "200", description = "{thread_id, is_following}")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public ThreadRequests.Follow followThread(@PathParam("id") long id) {
        return follow(id, true);
    }

    @DELETE
    @Path("/{id}/follow")
    @Operation(summary = "Unfollow a thread (idempotent)")
    @APIResponse(responseCode = "200", description = "{thread_id, is_following}")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public ThreadRequests.Follow unfollowThread(@PathParam("id") long id) {
        return follow(id, false);
    }

    @PUT
    @Path("/{id}/read-position")
    @Operation(summary = "Record where the caller stopped reading: forward only, capped at the thread's newest message")
    @APIResponse(responseCode = "200", description = "{thread_id, last_read_message_id} (the resulting position)")
    @APIResponse(responseCode = "400", description = "validation_failed (last_read_message_id missing or < 1); invalid_parameter (id)")
    @APIResponse(responseCode = "404", description = "not_found")
    public ThreadRequests.ReadPosition putReadPosition(@PathParam("id") long id,
                                                       @Valid @NotNull ThreadRequests.ReadPositionUpdate body) {
        return threads.advanceReadPosition(caller.get(), id, body.lastReadMessageId())
                .map(position -> new ThreadRequests.ReadPosition(id, position))
                .orElseThrow(() -> ApiException.notFound("Thread"));
    }

    private ThreadRequests.Follow follow(long id, boolean follow) {
        return threads.followThread(caller.get(), id, follow)
                .map(state -> new ThreadRequests.Follow(id, state))
                .orElseThrow(() -> ApiException.notFound("Thread"));
    }
}
