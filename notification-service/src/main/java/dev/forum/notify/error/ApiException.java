package dev.forum.notify.error;

/** An expected failure with its HTTP status and the team's JSON error code. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;

    public ApiException(int status, String code, String message, String field) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public static ApiException unauthorized() {
        return new ApiException(401, "unauthorized", "A valid session (bearer token or forum_session cookie) is required");
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid_parameter", message, field);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }
}
