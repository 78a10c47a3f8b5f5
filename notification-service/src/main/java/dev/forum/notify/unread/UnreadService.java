package dev.forum.notify.unread;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationRepository;
import dev.forum.notify.push.NotificationPublisher;
import dev.forum.notify.push.Pushes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Unread counts (derived from unread notifications: per thread and in total) and the read marks
 * that change them. Every change pushes {@code unread_count_updated} and
 * {@code forum_notification_count} to the user's connections, after the commit.
 */
@ApplicationScoped
public class UnreadService {

    /** What a read mark changed. */
    public record ReadResult(long markedRead, long threadUnread, long totalUnread) {
    }

    private final NotificationRepository notifications;
    private final NotificationPublisher publisher;
    private final ObjectMapper mapper;

    public UnreadService(NotificationRepository notifications, NotificationPublisher publisher,
            ObjectMapper mapper) {
        this.notifications = notifications;
        this.publisher = publisher;
        this.mapper = mapper;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public UnreadCounts findUnreadCounts(long userId) {
        Map<String, Long> threads = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<Long, Long> e : notifications.unreadByThread(userId).entrySet()) {
            total += e.getValue();
            if (e.getKey() != null) {
                threads.put(Long.toString(e.getKey()), e.getValue());
            }
        }
        return new UnreadCounts(total, threads);
    }

    public ReadResult markThreadRead(long userId, long threadId) {
        ReadResult result = markThreadReadTx(userId, threadId);
        push(userId, threadId, result);
        return result;
    }

    /** Empty when the notification is not the user's. */
    public Optional<ReadResult> markNotificationRead(long userId, long notificationId) {
        Optional<Notification> n = notifications.findById(userId, notificationId);
        if (n.isEmpty()) {
            return Optional.empty();
        }
        ReadResult result = markOneTx(userId, n.get());
        push(userId, n.get().threadId(), result);
        return Optional.of(result);
    }

    public ReadResult markAllRead(long userId) {
        ReadResult result = markAllTx(userId);
        push(userId, null, result);
        return result;
    }

    @Transactional
    ReadResult markThreadReadTx(long userId, long threadId) {
        int marked = notifications.markThreadRead(userId, threadId);
        return new ReadResult(marked, 0, notifications.unreadTotal(userId));
    }

    @Transactional
    ReadResult markOneTx(long userId, Notification n) {
        int marked = notifications.markRead(userId, n.id());
        long threadUnread = n.threadId() == null ? 0 : notifications.unreadInThread(userId, n.threadId());
        return new ReadResult(marked, threadUnread, notifications.unreadTotal(userId));
    }

    @Transactional
    ReadResult markAllTx(long userId) {
        int marked = notifications.markAllRead(userId);
        return new ReadResult(marked, 0, notifications.unreadTotal(userId));
    }

    private void push(long userId, Long threadId, ReadResult result) {
        publisher.publish(Pushes.unreadCountUpdated(mapper, userId, threadId, result.threadUnread(),
                result.totalUnread(), result.markedRead()));
        publisher.publish(Pushes.notificationCount(mapper, userId, result.totalUnread()));
    }
}
