package dev.forum.api.common.rest;

import dev.forum.common.error.ErrorResponses;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;

/** Bean Validation failures: 400 {@code validation_failed} naming the first offending field. */
public class ValidationExceptionMapper {

    @ServerExceptionMapper
    public Response map(ConstraintViolationException e) {
        ConstraintViolation<?> first = e.getConstraintViolations().stream()
                .min(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .orElse(null);
        if (first == null) {
            return ErrorResponses.of(400, "validation_failed", "Invalid request", null).build();
        }
        String field = null;
        for (Path.Node node : first.getPropertyPath()) {
            field = node.getName();
        }
        return ErrorResponses.of(400, "validation_failed", field + " " + first.getMessage(), snake(field)).build();
    }

    private static String snake(String name) {
        return name == null ? null : name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
