package dev.forum.notify.push;

import dev.forum.contract.EventEnvelope;
import dev.forum.notify.notification.Actor;
import dev.forum.notify.notification.Notification;

import java.util.ArrayList;
import java.util.List;

/**
 * What to push once the transaction that produced it has committed: notifications addressed to
 * single users (each gets {@code forum_notification} and then its {@code forum_notification_count}),
 * {@code team_mention}s (which carry the recipient's count), and ready envelopes.
 */
public final class PushPlan {

    /** A {@code team_mention} still waiting for its recipient's notification count. */
    public record TeamMention(long userId, long threadId, long messageId, Actor sender, String threadTitle) {
    }

    private final List<Notification> notifications = new ArrayList<>();
    private final List<TeamMention> teamMentions = new ArrayList<>();
    private final List<EventEnvelope> envelopes = new ArrayList<>();
    private int silentNotifications;

    public void notifications(List<Notification> stored) {
        notifications.addAll(stored);
    }

    public void teamMention(TeamMention mention) {
        teamMentions.add(mention);
    }

    public void envelope(EventEnvelope envelope) {
        envelopes.add(envelope);
    }

    /** Notifications stored without a per-user push (fan-out to many: @everyone, new threads). */
    public void silent(int count) {
        silentNotifications += count;
    }

    public List<Notification> notifications() {
        return notifications;
    }

    public List<TeamMention> teamMentions() {
        return teamMentions;
    }

    public List<EventEnvelope> envelopes() {
        return envelopes;
    }

    public int silentNotifications() {
        return silentNotifications;
    }

    public boolean isEmpty() {
        return notifications.isEmpty() && teamMentions.isEmpty() && envelopes.isEmpty();
    }
}
