package dev.forum.common.error;

/** A refusal with its HTTP status and stable error code; {@link ApiExceptionMapper} renders it. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final Long retryAfterSeconds;

    public ApiException(int status, String code, String message, String field, Long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    public static ApiException badRequest(String code, String message, String field) {
        return new ApiException(400, code, message, field, null);
    }

    /** A path or query parameter that does not parse or is out of range. */
    public static ApiException invalidParameter(String field, String message) {
        return badRequest("invalid_parameter", message, field);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message);
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found");
    }

    public static ApiException conflict(String code, String message, String field) {
        return new ApiException(409, code, message, field, null);
    }

    public static ApiException locked(String message) {
        return new ApiException(423, "thread_locked", message);
    }

    public static ApiException tooManyRequests(long retryAfterSeconds) {
        return tooManyRequests("Too many posts", retryAfterSeconds);
    }

    public static ApiException tooManyRequests(String refusal, long retryAfterSeconds) {
        return new ApiException(429, "rate_limited", refusal + "; retry in " + retryAfterSeconds + " s", null,
                retryAfterSeconds);
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

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
