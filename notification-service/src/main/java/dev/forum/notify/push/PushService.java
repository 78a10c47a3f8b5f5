package dev.forum.notify.push;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.contract.EventEnvelope;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a {@link PushPlan} into envelopes in the push outbox, inside the transaction that produced
 * it, with the unread counts as of that transaction (read under the outbox's order lock).
 */
@ApplicationScoped
public class PushService {

    private final NotificationRepository notifications;
    private final PushOutbox outbox;
    private final ObjectMapper mapper;

    public PushService(NotificationRepository notifications, PushOutbox outbox, ObjectMapper mapper) {
        this.notifications = notifications;
        this.outbox = outbox;
        this.mapper = mapper;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void enqueue(PushPlan plan) {
        if (plan.isEmpty()) {
            return;
        }
        outbox.lockOrder();
        Set<Long> users = new LinkedHashSet<>();
        plan.notifications().forEach(n -> users.add(n.userId()));
        plan.teamMentions().forEach(t -> users.add(t.userId()));
        Map<Long, Long> totals = notifications.unreadTotals(users.stream().mapToLong(Long::longValue).toArray());
        List<EventEnvelope> envelopes = new ArrayList<>();
        for (Notification n : plan.notifications()) {
            envelopes.add(Pushes.forumNotification(mapper, n));
        }
        for (PushPlan.TeamMention t : plan.teamMentions()) {
            envelopes.add(Pushes.teamMention(mapper, t.userId(), t.threadId(), t.messageId(), t.sender(),
                    t.threadTitle(), totals.getOrDefault(t.userId(), 0L)));
        }
        for (Long user : users) {
            envelopes.add(Pushes.notificationCount(mapper, user, totals.getOrDefault(user, 0L)));
        }
        envelopes.addAll(plan.envelopes());
        outbox.append(envelopes);
    }
}
