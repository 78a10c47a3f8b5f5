package dev.forum.common.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The one error body of every service: {@code {"error":{"code":"...","message":"...","field":"..."}}}; {@code field}
 * names the offending input and is omitted when there is none (docs/http-api.md, "Errors").
 */
public record ErrorBody(Detail error) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(String code, String message, String field) {
    }

    public static ErrorBody of(String code, String message, String field) {
        return new ErrorBody(new Detail(code, message, field));
    }
}
