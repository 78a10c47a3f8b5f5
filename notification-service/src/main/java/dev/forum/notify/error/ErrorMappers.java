package dev.forum.notify.error;

import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error leaves as the team's JSON error body, never as a stack trace. */
public class ErrorMappers {

    @ServerExceptionMapper
    public Response mapApi(ApiException e) {
        return json(e.status(), ErrorBody.of(e.code(), e.getMessage(), e.field()));
    }

    @ServerExceptionMapper
    public Response mapWebApplication(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406, 415 -> "unsupported_media_type";
            default -> status >= 500 ? "internal_error" : "http_" + status;
        };
        return json(status, ErrorBody.of(code, e.getMessage(), null));
    }

    @ServerExceptionMapper
    public Response mapUnexpected(RuntimeException e) {
        Log.errorf(e, "unexpected error");
        return json(500, ErrorBody.of("internal_error", "Internal error", null));
    }

    private static Response json(int status, ErrorBody body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
}
