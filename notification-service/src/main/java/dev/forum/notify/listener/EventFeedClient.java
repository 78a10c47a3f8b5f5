package dev.forum.notify.listener;

import dev.forum.contract.AuthContract;
import dev.forum.contract.EventHeads;
import dev.forum.contract.EventPage;
import dev.forum.contract.EventPositionPages;
import dev.forum.contract.EventPositions;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** forum-api's internal event feed. */
@RegisterRestClient(configKey = "forum-api")
@Path(EventPage.PATH)
public interface EventFeedClient {

    /** A page of the legacy global stream (events written before sharding). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    EventPage events(@HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken,
            @QueryParam("after_seq") long afterSeq, @QueryParam("limit") int limit);

    /** The current shard epoch and its shards' heads summed: whether anything was missed, in one small answer. */
    @GET
    @Path("heads")
    @Produces(MediaType.APPLICATION_JSON)
    EventHeads heads(@HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken);

    /** A page of each shard asked for, in one request. */
    @POST
    @Path("positions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    EventPositionPages positions(@HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String internalToken,
            EventPositions positions);
}
