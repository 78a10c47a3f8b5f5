package dev.forum.notify.deadletter.rest;

import dev.forum.common.error.ApiException;
import dev.forum.contract.AuthContract;
import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.deadletter.DeadLetterPage;
import dev.forum.notify.deadletter.DeadLetterService;
import dev.forum.notify.error.Params;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Operators' view of the events the consumer gave up on (service-to-service, not routed by the front door). */
@Path("/api/internal/notify/dead-letters")
@Produces(MediaType.APPLICATION_JSON)
public class DeadLetterResource {

    private final DeadLetterService deadLetters;
    private final byte[] internalToken;

    public DeadLetterResource(DeadLetterService deadLetters, NotifyConfig config) {
        this.deadLetters = deadLetters;
        this.internalToken = config.internalToken().getBytes(StandardCharsets.UTF_8);
    }

    @GET
    @Operation(summary = "Dead-lettered events, newest failure first")
    @APIResponse(responseCode = "200", description = "{dead_letters: [...]}")
    @APIResponse(responseCode = "400", description = "Bad limit")
    @APIResponse(responseCode = "401", description = "Missing or wrong X-Internal-Token")
    public DeadLetterPage getDeadLetters(@HeaderParam(AuthContract.INTERNAL_TOKEN_HEADER) String token,
            @QueryParam("limit") String limit) {
        if (token == null || !MessageDigest.isEqual(internalToken, token.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "unauthorized", "A valid " + AuthContract.INTERNAL_TOKEN_HEADER
                    + " header is required");
        }
        return deadLetters.findDeadLetterPage(Params.limit(limit, 100, DeadLetterService.MAX_LIMIT));
    }
}
