package dev.forum.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/** Turns a committed {@link PushPlan} into envelopes on Redis, with fresh unread counts. */
@ApplicationScoped
public class PushService {

    private final NotificationRepository notifications;
    private final NotificationPublisher publisher;
    private final ObjectMapper mapper;

    public PushService(NotificationRepository notifications, NotificationPublisher publisher, ObjectMapper mapper) {
        this.notifications = notifications;
        this.publisher = publisher;
        this.mapper = mapper;
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public void deliver(PushPlan plan) {
        if (plan.isEmpty()) {
            return;
        }
        Set<Long> users = new LinkedHashSet<>();
        plan.notifications().forEach(n -> users.add(n.userId()));
        plan.teamMentions().forEach(t -> users.add(t.userId()));
        Map<Long, Long> totals = notifications.unreadTotals(users.stream().mapToLong(Long::longValue).toArray());
        for (Notification n : plan.notifications()) {
            publisher.publish(Pushes.forumNotification(mapper, n));
        }
        for (PushPlan.TeamMention t : plan.teamMentions()) {
            publisher.publish(Pushes.teamMention(mapper, t.userId(), t.threadId(), t.messageId(), t.sender(),
                    t.threadTitle(), totals.getOrDefault(t.userId(), 0L)));
        }
        for (Long user : users) {
            publisher.publish(Pushes.notificationCount(mapper, user, totals.getOrDefault(user, 0L)));
        }
        publisher.publishAll(plan.envelopes());
    }
}
