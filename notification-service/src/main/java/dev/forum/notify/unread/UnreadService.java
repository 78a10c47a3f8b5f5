package dev.forum.notify.unread;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationRepository;
import dev.forum.notify.push.PushOutbox;
import dev.forum.notify.push.Pushes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Unread counts (derived from unread notifications: per thread and in total) and the read marks
 * that change them. Every change writes {@code unread_count_updated} and
 * {@code forum_notification_count} for the user's connections into the push outbox, in its transaction.
 */
@ApplicationScoped
public class UnreadService {

    /** What a read mark changed. */
    public record ReadResult(long markedRead, long threadUnread, long totalUnread) {
    }

    private final NotificationRepository notifications;
    private final PushOutbox outbox;
    private final ObjectMapper mapper;

    public UnreadService(NotificationRepository notifications, PushOutbox outbox, ObjectMapper mapper) {
        this.notifications = notifications;
        this.outbox = outbox;
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

    @Transactional
    public ReadResult markThreadRead(long userId, long threadId) {
        return pushCounts(userId, threadId, notifications.markThreadRead(userId, threadId));
    }

    /** Empty when the notification is not the user's. */
    @Transactional
    public Optional<ReadResult> markNotificationRead(long userId, long notificationId) {
        return notifications.findById(userId, notificationId)
                .map(n -> pushCounts(userId, n.threadId(), notifications.markRead(userId, n.id())));
    }

    @Transactional
    public ReadResult markAllRead(long userId) {
        return pushCounts(userId, null, notifications.markAllRead(userId));
    }

    /**
     * A thread was deleted: its notifications no longer count for anyone. Marks them read and queues,
     * set-based, {@code unread_count_updated} and {@code forum_notification_count} for every user
     * whose counts changed. Returns how many users.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int withdrawThread(long threadId) {
        return outbox.appendCountUpdatesAfter(NotificationRepository.MARK_THREAD_READ_FOR_ALL, threadId);
    }

    /**
     * A thread's tier was raised: members now below it no longer count its notifications (they are marked read and
     * no longer listed), with the same pushes as {@link #withdrawThread}. Returns how many users.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int withdrawThreadBelowTier(long threadId) {
        return outbox.appendCountUpdatesAfter(NotificationRepository.MARK_THREAD_READ_FOR_READERS_BELOW_TIER, threadId);
    }

    /**
     * Messages were deleted: they leave their groups, and their notifications (and groups left empty) go, with the
     * same pushes to users who had them unread.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public int withdrawMessages(long[] messageIds) {
        if (messageIds.length == 0) {
            return 0;
        }
        notifications.shrinkGroups(messageIds);
        return outbox.appendCountUpdatesAfter(NotificationRepository.DELETE_FOR_MESSAGES, (Object) messageIds);
    }

    /** Reads the counts under the push order lock (after the row updates) and queues their pushes. */
    private ReadResult pushCounts(long userId, Long threadId, long marked) {
        outbox.lockOrder();
        long total = notifications.unreadTotal(userId);
        long threadUnread = threadId == null ? 0 : notifications.unreadInThread(userId, threadId);
        outbox.append(List.of(
                Pushes.unreadCountUpdated(mapper, userId, threadId, threadUnread, total, marked),
                Pushes.notificationCount(mapper, userId, total)));
        return new ReadResult(marked, threadUnread, total);
    }
}
