package dev.forum.common.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Malformed JSON, framework HTTP errors and anything unexpected: the JSON error body, never a stack trace. */
public class FallbackExceptionMapper {

    private static final Logger LOG = Logger.getLogger(FallbackExceptionMapper.class);

    @ServerExceptionMapper
    public Response mapJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().get(mapping.getPath().size() - 1).getFieldName();
            if (field != null) {
                return ErrorResponses.of(400, "validation_failed", field + " has an invalid value", field).build();
            }
        }
        return ErrorResponses.of(400, "malformed_json", "Request body is not valid JSON for this endpoint", null).build();
    }

    /** Overrides quarkus-rest-jackson's own mapper for wrongly typed values, to keep the one error body. */
    @ServerExceptionMapper
    public Response mapMismatched(MismatchedInputException e) {
        return mapJson(e);
    }

    @ServerExceptionMapper
    public Response mapInvalidFormat(InvalidFormatException e) {
        return mapJson(e);
    }

    @ServerExceptionMapper
    public Response mapValueInstantiation(ValueInstantiationException e) {
        return mapJson(e);
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
        LOG.errorf(e, "Unhandled error");
        return ErrorResponses.of(500, "internal_error", "Internal error", null).build();
    }
}
