package dev.forum.api.message.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.message.service.MessageService;
import dev.forum.common.error.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
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

/** A thread's messages: list and post. */
@Path("/api/forum/threads/{id}/messages")
@Tag(name = "messages")
public class ThreadMessageResource {

    private final MessageService messages;
    private final CallerHolder caller;

    public ThreadMessageResource(MessageService messages, CallerHolder caller) {
        this.messages = messages;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "A thread's messages, oldest first, after after_message_id")
    @APIResponse(responseCode = "200", description = "[MessageView]")
    @APIResponse(responseCode = "404", description = "Thread unknown, deleted or above the caller's tier")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public List<MessageView> getMessages(@PathParam("id") long threadId,
                                         @QueryParam("after_message_id") @DefaultValue("0") long afterMessageId,
                                         @QueryParam("limit") @DefaultValue("50") int limit) {
        return messages.findMessages(caller.get(), threadId, afterMessageId, Math.max(1, limit))
                .orElseThrow(() -> ApiException.notFound("Thread"));
    }

    @POST
    @Operation(summary = "Post a message (Markdown; rendered to sanitised content_html); the poster follows the thread")
    @APIResponse(responseCode = "201", description = "MessageView")
    @APIResponse(responseCode = "400", description = "validation_failed; invalid_parameter (id)")
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
}
