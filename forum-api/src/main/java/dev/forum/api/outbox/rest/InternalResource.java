package dev.forum.api.outbox.rest;

import dev.forum.api.auth.InternalApi;
import dev.forum.api.outbox.service.EventFeedService;
import dev.forum.api.thread.service.ThreadService;
import dev.forum.common.error.ApiException;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventHeads;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import dev.forum.contract.ThreadAccess;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
    @Operation(summary = "Published events of one stream after a seq (EventPage): shard K's stream in the current"
            + " epoch with shard=K, else the legacy global stream (events written before sharding)")
    @APIResponse(responseCode = "200", description = "EventPage")
    @APIResponse(responseCode = "400",
            description = "Bad after_seq/limit/shard; invalid_parameter (a value that does not parse)")
    @APIResponse(responseCode = "401", description = "Missing or wrong internal token")
    public EventPage getEvents(@QueryParam("after_seq") @DefaultValue("0") long afterSeq,
                               @QueryParam("limit") @DefaultValue("" + EventFeedService.DEFAULT_LIMIT) int limit,
                               @QueryParam("thread_id") Long threadId,
                               @QueryParam("shard") Integer shard,
                               @QueryParam("shard_epoch") Integer shardEpoch) {
        if (afterSeq < 0) {
            throw ApiException.badRequest("validation_failed", "after_seq must be >= 0", "after_seq");
        }
        checkLimit(limit);
        if (shard == null) {
            return feed.findLegacyEventsAfter(afterSeq, limit, threadId);
        }
        try {
            return feed.findShardEventsAfter(shard, afterSeq, limit, threadId, shardEpoch);
        } catch (EventFeedService.UnknownShardException e) {
            throw ApiException.badRequest("validation_failed", e.getMessage(), "shard");
        }
    }

    @POST
    @Path("/events/positions")
    @Operation(summary = "Published events of several shards after their positions (EventPositionPages): one page"
            + " per requested shard, in one snapshot")
    @APIResponse(responseCode = "200", description = "EventPositionPages")
    @APIResponse(responseCode = "400", description = "Missing positions, a negative position, a shard outside the"
            + " current epoch, limit outside 1..1000")
    @APIResponse(responseCode = "401", description = "Missing or wrong internal token")
    public EventPositionPages findEventsAtPositions(EventPositions request) {
        if (request == null || request.positions() == null || request.positions().isEmpty()) {
            throw ApiException.badRequest("validation_failed", "positions must name at least one shard", "positions");
        }
        if (request.positions().values().stream().anyMatch(seq -> seq == null || seq < 0)) {
            throw ApiException.badRequest("validation_failed", "every position must be >= 0", "positions");
        }
        int limit = request.limit() == null ? EventFeedService.DEFAULT_LIMIT : request.limit();
        checkLimit(limit);
        try {
            return feed.findEventsAtPositions(request.shardEpoch(), request.positions(), limit);
        } catch (EventFeedService.UnknownShardException e) {
            throw ApiException.badRequest("validation_failed", e.getMessage(), "positions");
        }
    }

    @GET
    @Path("/events/heads")
    @Operation(summary = "The current shard epoch and its shards' heads summed (EventHeads): a consumer whose"
            + " positions sum to it has every event; one constant-size request whatever the shard count")
    @APIResponse(responseCode = "200", description = "EventHeads")
    @APIResponse(responseCode = "401", description = "Missing or wrong internal token")
    public EventHeads heads() {
        return feed.heads();
    }

    @GET
    @Path("/events/{event_id}")
    @Operation(summary = "One published event by id, with its position (shard_epoch, shard, seq; legacy: seq only)")
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

    private static void checkLimit(int limit) {
        if (limit < 1 || limit > EventFeedService.MAX_LIMIT) {
            throw ApiException.badRequest("validation_failed", "limit must be 1.." + EventFeedService.MAX_LIMIT,
                    "limit");
        }
    }
}
