package dev.forum.notify.notification;

import java.util.List;

/**
 * One page of a user's notifications, newest first; pass {@code next_cursor} as {@code cursor} for
 * the next page (null on the last page).
 */
public record NotificationPage(List<Notification> notifications, String nextCursor, long unreadCount) {
}
