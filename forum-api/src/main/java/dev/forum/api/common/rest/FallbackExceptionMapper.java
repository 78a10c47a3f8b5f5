package dev.forum.api.common.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.logging.Log;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Malformed JSON, framework HTTP errors and anything unexpected: the JSON error body, never a stack trace. */
public class FallbackExceptionMapper {

    @ServerExceptionMapper
    public Response mapJson(JsonProcessingException e) {
        return ErrorResponses.of(400, "malformed_json", "Request body is not valid JSON for this endpoint", null).build();
    }

    @ServerExceptionMapper
    public Response mapWebApplication(WebApplicationException e) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return mapJson(json);
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        String message = status == 404 ? "Not found" : e.getMessage();
        return ErrorResponses.of(status, ErrorResponses.codeFor(status), message, null).build();
    }

    @ServerExceptionMapper
    public Response mapUnexpected(Exception e) {
        Log.errorf(e, "Unhandled error");
        return ErrorResponses.of(500, "internal_error", "Internal error", null).build();
    }
}
