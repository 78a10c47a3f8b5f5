package dev.forum.common.auth;

import dev.forum.contract.AuthContract;
import dev.forum.contract.CurrentUser;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.RestResponse;

/** forum-api's {@code GET /api/auth/me}: who a session token belongs to (reactive REST client, built by {@link SessionLookup}). */
@Path(AuthContract.ME_PATH)
public interface AuthMeApi {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    Uni<RestResponse<CurrentUser>> me(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);
}
