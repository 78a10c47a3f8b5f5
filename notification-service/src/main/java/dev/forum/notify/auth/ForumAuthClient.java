package dev.forum.notify.auth;

import dev.forum.contract.AuthContract;
import dev.forum.contract.CurrentUser;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** forum-api's {@code GET /api/auth/me}: who a session token belongs to. */
@RegisterRestClient(configKey = "forum-api")
@Path(AuthContract.ME_PATH)
public interface ForumAuthClient {

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    CurrentUser me(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization);
}
