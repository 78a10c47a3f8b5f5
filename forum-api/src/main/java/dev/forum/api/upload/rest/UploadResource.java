package dev.forum.api.upload.rest;

import dev.forum.api.auth.CallerHolder;
import dev.forum.common.error.ApiException;
import dev.forum.api.upload.StoredUpload;
import dev.forum.api.upload.mapping.UploadView;
import dev.forum.api.upload.service.UploadService;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Image attachments. The body of an upload is the image itself, read as a stream (never buffered whole by the
 * framework), so the size limit holds while reading. Images are served from this origin to any signed-in user;
 * see docs/security.md (Uploads) for why that leaks nothing a reader could not already see.
 */
@Path("/api/forum/uploads")
@Tag(name = "uploads")
public class UploadResource {

    /** An image is immutable under its id: browsers may keep it for a year without asking again. */
    static final String CACHE_CONTROL = "private, max-age=31536000, immutable";
    /** The image opened on its own is a document too: it may load nothing, run nothing, and is sandboxed. */
    static final String IMAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox";

    private final UploadService uploads;
    private final CallerHolder caller;

    public UploadResource(UploadService uploads, CallerHolder caller) {
        this.uploads = uploads;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload an image (the request body is the file; its type is sniffed from its bytes)")
    @APIResponse(responseCode = "201", description = "UploadView; Location is the image's URL")
    @APIResponse(responseCode = "413", description = "payload_too_large, too_many_pixels")
    @APIResponse(responseCode = "415", description = "unsupported_media_type: not a PNG, JPEG, GIF or WebP image")
    @APIResponse(responseCode = "429", description = "rate_limited (Retry-After)")
    public Response createUpload(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength) {
        UploadView view = uploads.persistUpload(caller.get(), body, declaredLength(contentLength));
        return Response.created(URI.create(view.url())).entity(view).build();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "An uploaded image (any signed-in user; cached for good, ETag is its SHA-256)")
    @APIResponse(responseCode = "200", description = "the image bytes")
    @APIResponse(responseCode = "304", description = "If-None-Match matched")
    @APIResponse(responseCode = "404", description = "not_found")
    @APIResponse(responseCode = "400", description = "invalid_parameter: the id is not a UUID")
    public Response getUpload(@PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch) {
        StoredUpload upload = uploads.findUploadById(id).orElseThrow(() -> ApiException.notFound("Upload"));
        String etag = "\"" + upload.sha256() + "\"";
        Response.ResponseBuilder response = matches(ifNoneMatch, etag)
                ? Response.notModified()
                : Response.ok(upload.bytes(), upload.contentType()).header("Content-Disposition", "inline");
        return response.header(HttpHeaders.ETAG, etag)
                .header(HttpHeaders.CACHE_CONTROL, CACHE_CONTROL)
                .header("Content-Security-Policy", IMAGE_CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cross-Origin-Resource-Policy", "same-origin")
                .build();
    }

    private static OptionalLong declaredLength(String header) {
        try {
            return header == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(header.trim()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** If-None-Match: "*" or a list of entity tags, weak ones compared by their value (RFC 9110 13.1.2). */
    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        return Arrays.stream(ifNoneMatch.split(","))
                .map(String::trim)
                .map(tag -> tag.startsWith("W/") ? tag.substring(2) : tag)
                .anyMatch(tag -> tag.equals("*") || tag.equals(etag));
    }
}
