package dev.forum.notify.notification;

/** Who caused a notification ({@code UserRef} on the wire: id, username, role). */
public record Actor(long id, String username, String role) {
}
