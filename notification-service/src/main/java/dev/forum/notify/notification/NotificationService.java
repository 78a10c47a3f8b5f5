package dev.forum.notify.notification;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;

/** Reading a user's notifications. */
@ApplicationScoped
public class NotificationService {

    public static final int MAX_LIMIT = 100;

    private final NotificationRepository notifications;

    public NotificationService(NotificationRepository notifications) {
        this.notifications = notifications;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public NotificationPage findNotificationPage(long userId, int limit, Long before, boolean unreadOnly) {
        List<Notification> rows = notifications.findPage(userId, limit + 1, before, unreadOnly);
        String next = null;
        if (rows.size() > limit) {
            rows = rows.subList(0, limit);
            next = Long.toString(rows.get(limit - 1).activity());
        }
        return new NotificationPage(List.copyOf(rows), next, notifications.unreadTotal(userId));
    }
}
