package dev.forum.api.common.rest;

import dev.forum.common.error.ErrorResponses;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.UUID;

/**
 * A path or query parameter that does not parse ({@code /threads/abc}, {@code ?limit=abc}): JAX-RS says 404, we say
 * 400 {@code invalid_parameter} naming the parameter. Any other 404 stays {@code not_found}.
 */
public class NotFoundExceptionMapper {

    @ServerExceptionMapper
    public Response map(NotFoundException e, ResourceInfo resource, UriInfo uri) {
        String parameter = e.getCause() instanceof IllegalArgumentException ? unparsable(resource.getResourceMethod(), uri) : null;
        if (parameter == null) {
            return ErrorResponses.of(404, "not_found", "Not found", null).build();
        }
        return ErrorResponses.of(400, "invalid_parameter", parameter + " has an invalid value", parameter).build();
    }

    /** The first path or query parameter of the method whose raw value does not parse as its declared type. */
    private static String unparsable(Method method, UriInfo uri) {
        if (method == null) {
            return null;
        }
        for (Parameter p : method.getParameters()) {
            PathParam path = p.getAnnotation(PathParam.class);
            QueryParam query = p.getAnnotation(QueryParam.class);
            String name = path != null ? path.value() : query != null ? query.value() : null;
            String raw = path != null ? uri.getPathParameters().getFirst(name)
                    : query != null ? uri.getQueryParameters().getFirst(name) : null;
            if (raw != null && !parses(p.getType(), raw)) {
                return name;
            }
        }
        return null;
    }

    private static boolean parses(Class<?> type, String raw) {
        try {
            if (type == long.class || type == Long.class) {
                Long.parseLong(raw);
            } else if (type == int.class || type == Integer.class) {
                Integer.parseInt(raw);
            } else if (type == UUID.class) {
                UUID.fromString(raw);
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
