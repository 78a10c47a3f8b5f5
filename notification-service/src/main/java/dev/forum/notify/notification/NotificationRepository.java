package dev.forum.notify.notification;

import dev.forum.notify.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Queries on the notifications table, all set-based: one statement inserts a notification for any
 * number of recipients.
 */
@ApplicationScoped
public class NotificationRepository {

    static final String COLUMNS = "id, user_id, type, title, content, thread_id, message_id, actor_id, "
            + "actor_username, actor_role, is_read, created_at";
    /** The draft's columns, in the order {@link #draftParams} binds them. */
    static final String INSERT_INTO = "INSERT INTO notifications (user_id, type, title, content, thread_id, "
            + "message_id, actor_id, actor_username, actor_role) ";
    static final String DRAFT_VALUES = "?, ?, ?, ?::bigint, ?::bigint, ?::bigint, ?, ?";

    private final Sql sql;

    public NotificationRepository(Sql sql) {
        this.sql = sql;
    }

    /** One notification for each of {@code userIds}; returns the stored rows (for per-user pushes). */
    public List<Notification> insertForUsers(long[] userIds, NotificationDraft draft) {
        if (userIds.length == 0) {
            return List.of();
        }
        return sql.list(INSERT_INTO + "SELECT u, " + DRAFT_VALUES + " FROM unnest(?::bigint[]) AS u RETURNING "
                + COLUMNS, NotificationRepository::notification, concat(draftParams(draft), userIds));
    }

    /**
     * Runs {@code INSERT ... SELECT <recipient>, <draft> FROM ... } where {@code fromWhere} selects one
     * column of recipient ids; returns the stored rows.
     */
    public List<Notification> insertSelect(String recipientColumn, String fromWhere, NotificationDraft draft,
            Object... params) {
        return sql.list(INSERT_INTO + "SELECT " + recipientColumn + ", " + DRAFT_VALUES + " " + fromWhere
                + " RETURNING " + COLUMNS, NotificationRepository::notification, concat(draftParams(draft), params));
    }

    /** The same without returning rows, for fan-out to very many recipients; returns how many. */
    public int insertSelectCount(String recipientColumn, String fromWhere, NotificationDraft draft,
            Object... params) {
        return sql.update(INSERT_INTO + "SELECT " + recipientColumn + ", " + DRAFT_VALUES + " " + fromWhere,
                concat(draftParams(draft), params));
    }

    /**
     * A notification whose thread its recipient can no longer read (deleted, or its tier raised above theirs) is not
     * listed: notifications follow their thread's readability (docs/security.md, 3).
     */
    static final String READABLE_BY_RECIPIENT = " AND NOT EXISTS (SELECT 1 FROM threads t"
            + " JOIN users u ON u.id = notifications.user_id WHERE t.id = notifications.thread_id"
            + " AND (t.deleted OR (u.role = 'member' AND u.tier_cents < t.min_tier_cents)))";

    public List<Notification> findPage(long userId, int limit, Long beforeId, boolean unreadOnly) {
        return sql.list("SELECT " + COLUMNS + " FROM notifications WHERE user_id = ? AND id < ?"
                        + (unreadOnly ? " AND NOT is_read" : "") + READABLE_BY_RECIPIENT + " ORDER BY id DESC LIMIT ?",
                NotificationRepository::notification, userId, beforeId == null ? Long.MAX_VALUE : beforeId, limit);
    }

    public Optional<Notification> findById(long userId, long id) {
        return sql.one("SELECT " + COLUMNS + " FROM notifications WHERE id = ? AND user_id = ?",
                NotificationRepository::notification, id, userId);
    }

    public int markRead(long userId, long id) {
        return sql.update("UPDATE notifications SET is_read = true WHERE id = ? AND user_id = ? AND NOT is_read",
                id, userId);
    }

    public int markAllRead(long userId) {
        return sql.update("UPDATE notifications SET is_read = true WHERE user_id = ? AND NOT is_read", userId);
    }

    public int markThreadRead(long userId, long threadId) {
        return sql.update("UPDATE notifications SET is_read = true WHERE user_id = ? AND thread_id = ? AND NOT is_read",
                userId, threadId);
    }

    /**
     * Marks every user's notifications of a (deleted) thread read; one row {@code (user_id, thread_id,
     * was_unread)} per notification changed (see {@code PushOutbox.appendCountUpdatesAfter}).
     */
    public static final String MARK_THREAD_READ_FOR_ALL = """
            UPDATE notifications SET is_read = true WHERE thread_id = ? AND NOT is_read
            RETURNING user_id, thread_id, true""";

    /**
     * A thread's tier was raised: marks read the unread notifications of members now below it; one row
     * {@code (user_id, thread_id, was_unread)} per notification changed.
     */
    public static final String MARK_THREAD_READ_FOR_READERS_BELOW_TIER = """
            UPDATE notifications n SET is_read = true FROM users u, threads t
            WHERE n.thread_id = ? AND NOT n.is_read AND u.id = n.user_id AND t.id = n.thread_id
              AND u.role = 'member' AND u.tier_cents < t.min_tier_cents
            RETURNING n.user_id, n.thread_id, true""";

    /** Deletes the notifications of (deleted) messages; one row {@code (user_id, thread_id, was_unread)} each. */
    public static final String DELETE_FOR_MESSAGES = """
            DELETE FROM notifications WHERE message_id = ANY(?) RETURNING user_id, thread_id, NOT is_read""";

    /** Unread notifications per thread (notifications without a thread count in the total only). */
    public Map<Long, Long> unreadByThread(long userId) {
        Map<Long, Long> counts = new LinkedHashMap<>();
        sql.list("""
                SELECT thread_id, count(*) FROM notifications WHERE user_id = ? AND NOT is_read
                GROUP BY thread_id ORDER BY thread_id NULLS FIRST""", rs -> {
            counts.put((Long) rs.getObject(1), rs.getLong(2));
            return null;
        }, userId);
        return counts;
    }

    public long unreadTotal(long userId) {
        return sql.count("SELECT count(*) FROM notifications WHERE user_id = ? AND NOT is_read", userId);
    }

    public long unreadInThread(long userId, long threadId) {
        return sql.count("SELECT count(*) FROM notifications WHERE user_id = ? AND thread_id = ? AND NOT is_read",
                userId, threadId);
    }

    /** Unread totals of many users in one query (users with none are absent). */
    public Map<Long, Long> unreadTotals(long[] userIds) {
        Map<Long, Long> totals = new HashMap<>();
        if (userIds.length == 0) {
            return totals;
        }
        sql.list("""
                SELECT user_id, count(*) FROM notifications WHERE user_id = ANY(?) AND NOT is_read
                GROUP BY user_id""", rs -> {
            totals.put(rs.getLong(1), rs.getLong(2));
            return null;
        }, (Object) userIds);
        return totals;
    }

    private static Object[] draftParams(NotificationDraft d) {
        Actor a = d.actor();
        return new Object[] {d.type(), d.title(), d.content(), d.threadId(), d.messageId(),
            a == null ? null : a.id(), a == null ? null : a.username(), a == null ? null : a.role()};
    }

    private static Object[] concat(Object[] head, Object... tail) {
        Object[] all = new Object[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    static Notification notification(ResultSet rs) throws SQLException {
        Long actorId = (Long) rs.getObject("actor_id");
        Actor actor = actorId == null ? null
                : new Actor(actorId, rs.getString("actor_username"), rs.getString("actor_role"));
        return new Notification(rs.getLong("id"), rs.getLong("user_id"), rs.getString("type"), rs.getString("title"),
                rs.getString("content"), (Long) rs.getObject("thread_id"), (Long) rs.getObject("message_id"), actor,
                rs.getBoolean("is_read"), Sql.instant(rs, "created_at"));
    }
}
