package dev.forum.api.message.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.common.ApiException;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.thread.mapping.ThreadView;
import dev.forum.api.thread.service.ThreadService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/forum")
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

    @GET
    @Path("/threads/{id}/messages")
    @Operation(summary = "A thread's messages, oldest first, after after_message_id")
    @APIResponse(responseCode = "200", description = "[MessageView]")
    @APIResponse(responseCode = "404", description = "Thread unknown, deleted or above the caller's tier")
    public List<MessageView> getMessages(@PathParam("id") long threadId,
                                         @QueryParam("after_message_id") @DefaultValue("0") long afterMessageId,
                                         @QueryParam("limit") @DefaultValue("50") int limit) {
        return messages.findMessages(caller.get(), threadId, afterMessageId, Math.max(1, limit))
                .orElseThrow(() -> ApiException.notFound("Thread"));
    }

    @POST
    @Path("/threads/{id}/messages")
    @Operation(summary = "Post a message (Markdown; rendered to sanitised content_html); the poster follows the thread")
    @APIResponse(responseCode = "201", description = "MessageView")
    @APIResponse(responseCode = "400", description = "validation_failed")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "423", description = "thread_locked")
    @APIResponse(responseCode = "429", description = "rate_limited (Retry-After)")
    public Response createMessage(@PathParam("id") long threadId, @Valid @NotNull MessageRequests.PostMessage body,
                                  @Context UriInfo uri) {
        MessageView message = messages.persistMessage(caller.get(), threadId, body.content(), body.replyToId())
                .orElseThrow(() -> ApiException.notFound("Thread"));
        return Response.created(uri.getBaseUriBuilder().path("api/forum/messages/{id}").build(message.id()))
                .entity(message).build();
    }

    @PATCH
    @Path("/messages/{id}")
    @Operation(summary = "Edit a message (author or moderator)")
    @APIResponse(responseCode = "200", description = "MessageView")
    @APIResponse(responseCode = "403", description = "forbidden")
    @APIResponse(responseCode = "404", description = "not_found")
    public MessageView partiallyUpdateMessage(@PathParam("id") long id, @Valid @NotNull MessageRequests.EditMessage body) {
        return messages.partialUpdateMessage(caller.get(), id, body.content())
                .orElseThrow(() -> ApiException.notFound("Message"));
    }

    @DELETE
    @Path("/messages/{id}")
    @Operation(summary = "Delete a message and all its replies (author or moderator)")
    @APIResponse(responseCode = "200", description = "{message_ids, deleted_count}")
    @APIResponse(responseCode = "403", description = "forbidden")
    @APIResponse(responseCode = "404", description = "not_found")
    public MessageRequests.Deleted deleteMessage(@PathParam("id") long id) {
        List<Long> ids = messages.deleteMessage(caller.get(), id).orElseThrow(() -> ApiException.notFound("Message"));
        return new MessageRequests.Deleted(ids, ids.size());
    }

    @POST
    @Path("/messages/{id}/like")
    @Operation(summary = "Like a message (idempotent)")
    @APIResponse(responseCode = "200", description = "{message_id, like_count, is_liked}")
    @APIResponse(responseCode = "404", description = "not_found")
    public MessageRequests.Like likeMessage(@PathParam("id") long id) {
        return like(id, true);
    }

    @DELETE
    @Path("/messages/{id}/like")
    @Operation(summary = "Unlike a message (idempotent)")
    @APIResponse(responseCode = "200", description = "{message_id, like_count, is_liked}")
    @APIResponse(responseCode = "404", description = "not_found")
    public MessageRequests.Like unlikeMessage(@PathParam("id") long id) {
        return like(id, false);
    }

    @POST
    @Path("/messages/{id}/threads")
    @Operation(summary = "Spawn a sub-thread from a message (inherits the parent's tier)")
    @APIResponse(responseCode = "201", description = "ThreadView")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "423", description = "thread_locked")
    @APIResponse(responseCode = "429", description = "rate_limited (Retry-After)")
    public Response createSubThread(@PathParam("id") long id, @Valid @NotNull MessageRequests.CreateSubThread body,
                                    @Context UriInfo uri) {
        ThreadView thread = threads.persistSubThread(caller.get(), id, body.title(), body.content())
                .orElseThrow(() -> ApiException.notFound("Message"));
        return Response.created(uri.getBaseUriBuilder().path("api/forum/threads/{id}").build(thread.id()))
                .entity(thread).build();
    }

    private MessageRequests.Like like(long id, boolean like) {
        MessageView view = messages.likeMessage(caller.get(), id, like).orElseThrow(() -> ApiException.notFound("Message"));
        return new MessageRequests.Like(view.id(), view.likeCount(), like);
    }
}
