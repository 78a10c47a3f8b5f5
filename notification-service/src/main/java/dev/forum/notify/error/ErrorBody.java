package dev.forum.notify.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The team's error format: {@code {"error": {"code": "...", "message": "...", "field": ...}}}. */
public record ErrorBody(Detail error) {

    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Detail(String code, String message, String field) {
    }

    public static ErrorBody of(String code, String message, String field) {
        return new ErrorBody(new Detail(code, message, field));
    }
}
