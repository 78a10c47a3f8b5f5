package dev.forum.common.error;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one error body (docs/http-api.md, "Errors") and what the mappers put around it. */
class ErrorBodyTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void ofWithFieldNamesTheField() throws Exception {
        assertThat(json.writeValueAsString(ErrorBody.of("validation_failed", "title must not be blank", "title")))
                .isEqualTo("{\"error\":{\"code\":\"validation_failed\",\"message\":\"title must not be blank\",\"field\":\"title\"}}");
    }

    @Test
    void ofWithoutFieldOmitsIt() throws Exception {
        assertThat(json.writeValueAsString(ErrorBody.of("not_found", "Thread not found", null)))
                .isEqualTo("{\"error\":{\"code\":\"not_found\",\"message\":\"Thread not found\"}}");
    }

    @Test
    void mapRefusalIsItsStatusAndJsonBody() {
        Response response = new ApiExceptionMapper().map(ApiException.invalidParameter("limit", "limit must be 1 to 100"));

        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(response.getMediaType()).isEqualTo(MediaType.APPLICATION_JSON_TYPE);
        assertThat(response.getEntity()).isEqualTo(ErrorBody.of("invalid_parameter", "limit must be 1 to 100", "limit"));
        assertThat(response.getHeaderString(HttpHeaders.RETRY_AFTER)).isNull();
    }

    @Test
    void mapRateLimitSaysWhenToRetry() {
        Response response = new ApiExceptionMapper().map(ApiException.tooManyRequests(7));

        assertThat(response.getStatus()).isEqualTo(429);
        assertThat(response.getHeaderString(HttpHeaders.RETRY_AFTER)).isEqualTo("7");
        assertThat(((ErrorBody) response.getEntity()).error().code()).isEqualTo("rate_limited");
    }

    @Test
    void mapUnexpectedFailureIsInternalErrorWithoutDetail() {
        Response response = new FallbackExceptionMapper().mapUnexpected(new IllegalStateException("secret detail"));

        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getEntity()).isEqualTo(ErrorBody.of("internal_error", "Internal error", null));
    }

    @Test
    void codeForNamedAndUnnamedStatuses() {
        assertThat(ErrorResponses.codeFor(405)).isEqualTo("method_not_allowed");
        assertThat(ErrorResponses.codeFor(415)).isEqualTo("unsupported_media_type");
        assertThat(ErrorResponses.codeFor(502)).isEqualTo("internal_error");
        assertThat(ErrorResponses.codeFor(418)).isEqualTo("error");
    }
}
