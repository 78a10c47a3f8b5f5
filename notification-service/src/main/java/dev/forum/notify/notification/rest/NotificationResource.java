package dev.forum.notify.notification.rest;

import dev.forum.common.error.ApiException;
import dev.forum.contract.AuthContract;
import dev.forum.contract.CurrentUser;
import dev.forum.notify.auth.SessionResolver;
import dev.forum.notify.error.Params;
import dev.forum.notify.notification.NotificationPage;
import dev.forum.notify.notification.NotificationService;
import dev.forum.notify.unread.UnreadCounts;
import dev.forum.notify.unread.UnreadService;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/**
 * The notification REST API, reached through the same origin as forum-api: the front door routes
 * {@code /api/forum/notifications*} and {@code /api/forum/threads/*}{@code /notifications/*} here.
 */
@Path("/api/forum")
@Produces(MediaType.APPLICATION_JSON)
public class NotificationResource {

    private final SessionResolver sessions;
    private final NotificationService notifications;
    private final UnreadService unread;

    public NotificationResource(SessionResolver sessions, NotificationService notifications, UnreadService unread) {
        this.sessions = sessions;
        this.notifications = notifications;
        this.unread = unread;
    }

    @GET
    @Path("/notifications")
    @Operation(summary = "The caller's notifications, latest activity first (a followed thread's group moves up "
            + "with each message), paged by cursor")
    @APIResponse(responseCode = "200", description = "A page")
    @APIResponse(responseCode = "400", description = "Bad limit or cursor")
    @APIResponse(responseCode = "401", description = "No valid session")
    public NotificationPage getNotifications(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(AuthContract.SESSION_COOKIE) String cookie, @QueryParam("limit") String limit,
            @QueryParam("cursor") String cursor, @QueryParam("unread_only") String unreadOnly) {
        CurrentUser user = sessions.requireUser(authorization, cookie);
        return notifications.findNotificationPage(user.id(), parseLimit(limit), parseCursor(cursor),
                parseBoolean(unreadOnly));
    }

    @GET
    @Path("/notifications/unread-counts")
    @Operation(summary = "Unread notifications in total and per thread")
    @APIResponse(responseCode = "200", description = "{total, threads: {id: n}}")
    @APIResponse(responseCode = "401", description = "No valid session")
    public UnreadCounts getUnreadCounts(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(AuthContract.SESSION_COOKIE) String cookie) {
        return unread.findUnreadCounts(sessions.requireUser(authorization, cookie).id());
    }

    @POST
    @Path("/notifications/{id}/read")
    @Operation(summary = "Mark one of the caller's notifications read")
    @APIResponse(responseCode = "200", description = "Marked (or already read)")
    @APIResponse(responseCode = "404", description = "Not the caller's notification")
    @APIResponse(responseCode = "401", description = "No valid session")
    public UnreadService.ReadResult markNotificationRead(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(AuthContract.SESSION_COOKIE) String cookie, @PathParam("id") String id) {
        CurrentUser user = sessions.requireUser(authorization, cookie);
        return unread.markNotificationRead(user.id(), parseId("id", id))
                .orElseThrow(() -> ApiException.notFound("Notification"));
    }

    @POST
    @Path("/notifications/mark-all-read")
    @Operation(summary = "Mark all of the caller's notifications read")
    @APIResponse(responseCode = "200", description = "How many were marked")
    @APIResponse(responseCode = "401", description = "No valid session")
    public UnreadService.ReadResult markAllRead(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(AuthContract.SESSION_COOKIE) String cookie) {
        return unread.markAllRead(sessions.requireUser(authorization, cookie).id());
    }

    @POST
    @Path("/threads/{id}/notifications/read")
    @Operation(summary = "Mark the caller's notifications of one thread read")
    @APIResponse(responseCode = "200", description = "How many were marked, and the new counts")
    @APIResponse(responseCode = "401", description = "No valid session")
    public UnreadService.ReadResult markThreadRead(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @CookieParam(AuthContract.SESSION_COOKIE) String cookie, @PathParam("id") String threadId) {
        CurrentUser user = sessions.requireUser(authorization, cookie);
        return unread.markThreadRead(user.id(), parseId("id", threadId));
    }

    static int parseLimit(String limit) {
        return Params.limit(limit, 20, NotificationService.MAX_LIMIT);
    }

    static Long parseCursor(String cursor) {
        return cursor == null || cursor.isBlank() ? null : parseId("cursor", cursor);
    }

    static boolean parseBoolean(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase()) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ApiException.invalidParameter("unread_only", "unread_only must be true or false");
        };
    }

    static long parseId(String field, String value) {
        try {
            long id = Long.parseLong(value.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error
        }
        throw ApiException.invalidParameter(field, field + " must be a positive integer");
    }
}
