package dev.forum.notify.mention;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.notify.db.Sql;
import dev.forum.notify.fanout.FanoutService;
import dev.forum.notify.notification.Actor;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationDraft;
import dev.forum.notify.notification.NotificationRepository;
import dev.forum.notify.notification.NotificationType;
import dev.forum.notify.projection.EveryoneRestriction;
import dev.forum.notify.projection.ProjectionService;
import dev.forum.notify.projection.ThreadRow;
import dev.forum.notify.push.PushPlan;
import dev.forum.notify.push.Pushes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Notifies what a message's content mentions. Runs for new_message and for message_edited; the
 * message_mentions table remembers who a message already notified, so an edit notifies only the
 * newly mentioned, and message_everyone remembers that its @everyone was decided (sent or refused).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class MentionService {

    public static final String REASON_DISABLED = "@everyone is disabled by an administrator";

    private final Sql sql;
    private final NotificationRepository notifications;
    private final FanoutService fanout;
    private final ProjectionService projections;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public MentionService(Sql sql, NotificationRepository notifications, FanoutService fanout,
            ProjectionService projections, ObjectMapper mapper, MeterRegistry registry) {
        this.sql = sql;
        this.notifications = notifications;
        this.fanout = fanout;
        this.projections = projections;
        this.mapper = mapper;
        this.registry = registry;
    }

    /**
     * @param at when the message was written (the event's committed_at): restrictions are judged
     *           at that instant, so a replay decides the same way
     */
    public void notifyMentions(long messageId, ThreadRow thread, Actor author, String content, Instant at,
            PushPlan plan) {
        Mentions mentions = MentionParser.parse(content);
        if (mentions.isEmpty() || thread.deleted()) {
            return;
        }
        if (!mentions.usernames().isEmpty()) {
            long[] fresh = rememberMentioned(messageId, author.id(), thread.minTierCents(),
                    "u.username = ANY(?)", (Object) mentions.usernames().toArray(String[]::new));
            plan.notifications(notifications.insertForUsers(fresh, draft(NotificationType.MENTION,
                    "You were mentioned", "@" + author.username() + " mentioned you in " + quoted(thread), thread,
                    messageId, author)));
        }
        if (mentions.team()) {
            long[] fresh = rememberMentioned(messageId, author.id(), thread.minTierCents(), "u.role <> 'member'");
            List<Notification> stored = notifications.insertForUsers(fresh, draft(NotificationType.TEAM_MENTION,
                    "The team was mentioned", "@" + author.username() + " mentioned @team in " + quoted(thread),
                    thread, messageId, author));
            plan.notifications(stored);
            for (Notification n : stored) {
                plan.teamMention(new PushPlan.TeamMention(n.userId(), thread.id(), messageId, author,
                        thread.title()));
            }
        }
        if (mentions.everyone()) {
            notifyEveryone(messageId, thread, author, at, plan);
        }
    }

    private void notifyEveryone(long messageId, ThreadRow thread, Actor author, Instant at, PushPlan plan) {
        Optional<String> refusal = everyoneRefusal(author.id(), at);
        int decided = sql.update("INSERT INTO message_everyone (message_id, sent) VALUES (?, ?) ON CONFLICT DO NOTHING",
                messageId, refusal.isEmpty());
        if (decided == 0) {
            return; // an earlier version of this message already sent (or was refused) its @everyone
        }
        if (refusal.isPresent()) {
            Counter.builder("notify.everyone.refused").description("@everyone mentions refused (kill switch or restriction)")
                    .register(registry).increment();
            plan.notifications(notifications.insertForUsers(new long[] {author.id()},
                    draft(NotificationType.EVERYONE_REFUSED, "@everyone was not sent", refusal.get(), thread,
                            messageId, author)));
            return;
        }
        int count = fanout.notifyReaders("everyone", thread.minTierCents(), author.id(),
                draft(NotificationType.EVERYONE_MENTION, "Everyone was mentioned",
                        "@" + author.username() + " mentioned @everyone in " + quoted(thread), thread, messageId,
                        author));
        plan.silent(count);
        plan.envelope(Pushes.everyoneMention(mapper, thread.id(), thread.minTierCents(), messageId, author,
                thread.title()));
    }

    /** Why {@code userId} may not use @everyone at {@code at}, if they may not. */
    Optional<String> everyoneRefusal(long userId, Instant at) {
        if (projections.isEveryoneDisabled()) {
            return Optional.of(REASON_DISABLED);
        }
        return projections.findEveryoneRestriction(userId)
                .filter(r -> r.activeAt(at))
                .map(MentionService::restrictionReason);
    }

    static String restrictionReason(EveryoneRestriction r) {
        String why = r.reason() == null || r.reason().isBlank() ? "" : ": " + r.reason();
        String until = r.until() == null ? "" : " (until " + r.until() + ")";
        return "You are restricted from using @everyone" + why + until;
    }

    /** Records the users {@code condition} selects as mentioned by the message; returns the new ones. */
    private long[] rememberMentioned(long messageId, long authorId, int minTierCents, String condition,
            Object... conditionParams) {
        Object[] params = new Object[conditionParams.length + 3];
        params[0] = messageId;
        System.arraycopy(conditionParams, 0, params, 1, conditionParams.length);
        params[conditionParams.length + 1] = authorId;
        params[conditionParams.length + 2] = minTierCents;
        return sql.list("INSERT INTO message_mentions (message_id, user_id) SELECT ?, u.id FROM users u WHERE "
                + condition + " AND u.id <> ? AND " + FanoutService.READABLE
                + " ON CONFLICT DO NOTHING RETURNING user_id", rs -> rs.getLong(1), params)
                .stream().mapToLong(Long::longValue).toArray();
    }

    private static NotificationDraft draft(String type, String title, String content, ThreadRow thread,
            long messageId, Actor author) {
        return new NotificationDraft(type, title, content, thread.id(), messageId, author);
    }

    static String quoted(ThreadRow thread) {
        return "\u201c" + thread.title() + "\u201d";
    }
}
