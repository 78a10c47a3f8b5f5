package dev.forum.api.outbox.rest;

import dev.forum.api.auth.InternalApi;
import dev.forum.api.outbox.service.EventFeedService;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.common.error.ApiException;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.ThreadAccess;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** Service-to-service endpoints (header X-Internal-Token), see docs/events.md "Event feed". */
@Path("/api/internal")
@InternalApi
@Tag(name = "internal")
public class InternalResource {

    private final EventFeedService feed;
    private final ThreadService threads;

    public InternalResource(EventFeedService feed, ThreadService threads) {
        this.feed = feed;
        this.threads = threads;
    }

    @GET
    @Path("/events")
    @Operation(summary = "Published events after a seq (EventPage)")
    @APIResponse(responseCode = "200", description = "EventPage")
    @APIResponse(responseCode = "400", description = "Bad after_seq/limit; invalid_parameter (a value that does not parse)")
    @APIResponse(responseCode = "401", description = "Missing or wrong internal token")
    public EventPage getEvents(@QueryParam("after_seq") @DefaultValue("0") long afterSeq,
                               @QueryParam("limit") @DefaultValue("" + EventFeedService.DEFAULT_LIMIT) int limit,
                               @QueryParam("thread_id") Long threadId) {
        if (afterSeq < 0) {
            throw ApiException.badRequest("validation_failed", "after_seq must be >= 0", "after_seq");
        }
        if (limit < 1 || limit > EventFeedService.MAX_LIMIT) {
            throw ApiException.badRequest("validation_failed", "limit must be 1.." + EventFeedService.MAX_LIMIT, "limit");
        }
        return feed.findEventsAfter(afterSeq, limit, threadId);
    }

    @GET
    @Path("/events/{event_id}")
    @Operation(summary = "One published event by id")
    @APIResponse(responseCode = "200", description = "EventEnvelope")
    @APIResponse(responseCode = "404", description = "Unknown, unpublished or purged")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public EventEnvelope getEvent(@PathParam("event_id") UUID eventId) {
        return feed.findEventById(eventId).orElseThrow(() -> ApiException.notFound("Event"));
    }

    @GET
    @Path("/threads/{id}")
    @Operation(summary = "Who may read a thread (ThreadAccess)")
    @APIResponse(responseCode = "200", description = "ThreadAccess")
    @APIResponse(responseCode = "404", description = "The thread never existed")
    @APIResponse(responseCode = "400", description = "invalid_parameter: a path or query parameter does not parse")
    public ThreadAccess getThreadAccess(@PathParam("id") long id) {
        return threads.findThreadAccess(id).orElseThrow(() -> ApiException.notFound("Thread"));
    }
}
