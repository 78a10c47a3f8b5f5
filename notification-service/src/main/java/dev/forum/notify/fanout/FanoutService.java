package dev.forum.notify.fanout;

import dev.forum.notify.config.NotifyConfig;
import dev.forum.notify.db.Sql;
import dev.forum.notify.notification.Actor;
import dev.forum.notify.notification.Notification;
import dev.forum.notify.notification.NotificationDraft;
import dev.forum.notify.notification.NotificationRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;

/**
 * Notifications for many users at once, set-based: {@code INSERT ... SELECT} from the users and
 * followers projections, never one statement per recipient. Fan-out to every reader runs in
 * user-id ranges of {@code notify.fanout.batch-size}, so 100,000 recipients cost a handful of
 * statements. Runs in the consumer's transaction, off any request path.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class FanoutService {

    /** Staff read every thread; members need the thread's tier. Binds one parameter: the tier. */
    public static final String READABLE = "(u.role <> 'member' OR u.tier_cents >= ?)";
    /** Skips users this message already notified (a mention beats a follow). Binds the message id. */
    static final String NOT_YET_NOTIFIED = "NOT EXISTS (SELECT 1 FROM notifications n "
            + "WHERE n.message_id = ?::bigint AND n.user_id = u.id)";

    /** Skips users whose group already holds the message (a redelivered event counts once). Binds the message id. */
    static final String NOT_IN_A_GROUP = "NOT EXISTS (SELECT 1 FROM notification_group_messages g "
            + "JOIN notifications n ON n.id = g.notification_id WHERE g.message_id = ?::bigint AND n.user_id = u.id)";

    /** A thread's followers who may read it, except one user. Binds the thread, the user and the tier. */
    private static final String FOLLOWERS = "FROM thread_followers f JOIN users u ON u.id = f.user_id "
            + "WHERE f.thread_id = ? AND u.id <> ? AND " + READABLE;

    private final NotificationRepository notifications;
    private final Sql sql;
    private final int batchSize;
    private final MeterRegistry registry;

    public FanoutService(NotificationRepository notifications, Sql sql, NotifyConfig config,
            MeterRegistry registry) {
        this.notifications = notifications;
        this.sql = sql;
        this.batchSize = config.fanout().batchSize();
        this.registry = registry;
    }

    /**
     * A new message for the thread's followers who may read it, except its author and users it already notified
     * (a mention or reply beats a follow): added to each follower's group of the thread
     * ({@link NotificationRepository#collectInGroups}). Returns the groups as stored.
     */
    public List<Notification> notifyFollowersOfMessage(long threadId, int minTierCents, String threadText,
            long messageId, Actor author) {
        Timer.Sample sample = Timer.start(registry);
        List<Notification> groups = notifications.collectInGroups(
                "SELECT u.id " + FOLLOWERS + " AND " + NOT_YET_NOTIFIED + " AND " + NOT_IN_A_GROUP,
                new Object[] {threadId, author.id(), minTierCents, messageId, messageId}, threadId, threadText,
                messageId, author);
        sample.stop(timer("followers"));
        return groups;
    }

    /** One notification for each of the thread's followers who may read it, except {@code excludeUserId}. */
    public List<Notification> notifyFollowers(long threadId, int minTierCents, long excludeUserId,
            NotificationDraft draft) {
        Timer.Sample sample = Timer.start(registry);
        List<Notification> stored = notifications.insertSelect("u.id", FOLLOWERS, draft, threadId, excludeUserId,
                minTierCents);
        sample.stop(timer("followers"));
        return stored;
    }

    /**
     * Every user who may read a thread of {@code minTierCents}, except {@code excludeUserId} and
     * (when the draft has a message) users that message already notified. Returns how many.
     */
    public int notifyReaders(String kind, int minTierCents, long excludeUserId, NotificationDraft draft) {
        Timer.Sample sample = Timer.start(registry);
        String where = "FROM users u WHERE u.id >= ? AND u.id < ? AND u.id <> ? AND " + READABLE
                + (draft.messageId() != null ? " AND " + NOT_YET_NOTIFIED : "");
        int total = 0;
        int statements = 0;
        Long low = sql.one("SELECT min(id) FROM users", rs -> (Long) rs.getObject(1)).orElse(null);
        while (low != null) {
            // Keyset batches: the next boundary is batchSize users further, however sparse the ids.
            Long high = sql.one("SELECT id FROM users WHERE id >= ? ORDER BY id OFFSET ? LIMIT 1",
                    rs -> rs.getLong(1), low, batchSize).orElse(null);
            long upper = high == null ? Long.MAX_VALUE : high;
            total += draft.messageId() != null
                    ? notifications.insertSelectCount("u.id", where, draft, low, upper, excludeUserId,
                            minTierCents, draft.messageId())
                    : notifications.insertSelectCount("u.id", where, draft, low, upper, excludeUserId,
                            minTierCents);
            statements++;
            low = high;
        }
        long nanos = sample.stop(timer(kind));
        Log.debugf("fan-out %s: %d notifications in %d statements, %d ms", kind, total, statements,
                nanos / 1_000_000);
        return total;
    }

    private Timer timer(String kind) {
        return Timer.builder("notify.fanout.duration").tag("kind", kind)
                .description("Time to store one fan-out's notifications").register(registry);
    }
}
