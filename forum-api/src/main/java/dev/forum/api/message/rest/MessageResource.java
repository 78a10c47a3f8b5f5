package dev.forum.api.message.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.thread.mapping.ThreadView;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.common.error.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/forum/messages")
@Tag(name = "messages")
public class MessageResource {

    private final MessageService messages;
    private final ThreadService threads;
    private final CallerHolder caller;

    public MessageResource(MessageService messages, ThreadService threads, CallerHolder caller) {
        this.messages = messages;
        this.threads = threads;
        this.caller = caller;
    }

    @PATCH
    @Path("/{id}")
    @Operation(summary = "Edit a message (author or moderator)")
    @APIResponse(responseCode = "200", description = "MessageView")
    @APIResponse(responseCode = "403", description = "forbidden")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public MessageView partiallyUpdateMessage(@PathParam("id") long id, @Valid @NotNull MessageRequests.EditMessage body) {
        return messages.partialUpdateMessage(caller.get(), id, body.content())
                .orElseThrow(() -> ApiException.notFound("Message"));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a message and all its replies (author or moderator)")
    @APIResponse(responseCode = "200", description = "{message_ids, deleted_count}")
    @APIResponse(responseCode = "403", description = "forbidden")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public MessageResponses.Deleted deleteMessage(@PathParam("id") long id) {
        List<Long> ids = messages.deleteMessage(caller.get(), id).orElseThrow(() -> ApiException.notFound("Message"));
        return new MessageResponses.Deleted(ids, ids.size());
    }

    @POST
    @Path("/{id}/like")
    @Operation(summary = "Like a message (idempotent)")
    @APIResponse(responseCode = "200", description = "{message_id, like_count, is_liked}")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public MessageResponses.Like likeMessage(@PathParam("id") long id) {
        return like(id, true);
    }

    @DELETE
    @Path("/{id}/like")
    @Operation(summary = "Unlike a message (idempotent)")
    @APIResponse(responseCode = "200", description = "{message_id, like_count, is_liked}")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public MessageResponses.Like unlikeMessage(@PathParam("id") long id) {
        return like(id, false);
    }

    @POST
    @Path("/{id}/threads")
    @Operation(summary = "Spawn a sub-thread from a message (inherits the parent's tier)")
    @APIResponse(responseCode = "201", description = "ThreadView")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "423", description = "thread_locked")
    @APIResponse(responseCode = "429", description = "rate_limited (Retry-After)")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public Response createSubThread(@PathParam("id") long id, @Valid @NotNull MessageRequests.CreateSubThread body,
                                    @Context UriInfo uri) {
        ThreadView thread = threads.persistSubThread(caller.get(), id, body.title(), body.content())
                .orElseThrow(() -> ApiException.notFound("Message"));
        return Response.created(uri.getBaseUriBuilder().path("api/forum/threads/{id}").build(thread.id()))
                .entity(thread).build();
    }

    private MessageResponses.Like like(long id, boolean like) {
        MessageView view = messages.likeMessage(caller.get(), id, like).orElseThrow(() -> ApiException.notFound("Message"));
        return new MessageResponses.Like(view.id(), view.likeCount(), like);
    }
}
