package dev.forum.common.error;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds the JSON error response every mapper and filter returns. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static Response.ResponseBuilder of(int status, String code, String message, String field) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorBody.of(code, message, field));
    }

    /** The code of an HTTP failure that no service code named (a framework 404, 405, 415, ...). */
    public static String codeFor(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 409 -> "conflict";
            case 415 -> "unsupported_media_type";
            case 423 -> "locked";
            case 429 -> "rate_limited";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }
}
