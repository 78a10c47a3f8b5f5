package dev.forum.gateway.client;

import dev.forum.contract.AuthContract;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import dev.forum.contract.ThreadAccess;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** forum-api's internal endpoints as the gateway sees them (reactive REST client; built by {@link ForumApi}); {@code /api/auth/me} is service-common's {@link dev.forum.common.auth.AuthMeApi}. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public interface ForumApiClient {

    @GET
    @Path("/internal/threads/{id}")
    Uni<ThreadAccess> threadAccess(@PathParam("id") long threadId,
            @HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken);

    /** One shard's stream after {@code after_seq}, in {@code shard_epoch} (another epoch: {@code resync_required}). */
    @GET
    @Path("/internal/events")
    Uni<EventPage> events(@QueryParam("shard") int shard, @QueryParam("shard_epoch") Integer shardEpoch,
            @QueryParam("after_seq") long afterSeq, @QueryParam("thread_id") Long threadId,
            @QueryParam("limit") int limit, @HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken);

    /** Several shards' streams after the given positions, one page each. */
    @POST
    @Path("/internal/events/positions")
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<EventPositionPages> positions(EventPositions positions,
            @HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken);

    @GET
    @Path("/internal/events/{id}")
    Uni<EventEnvelope> event(@PathParam("id") String eventId,
            @HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken);
}
