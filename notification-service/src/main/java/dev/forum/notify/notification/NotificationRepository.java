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
            + "actor_username, actor_role, message_count, authors, is_read, created_at, updated_at, activity";
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
     * Adds a new message to each recipient's group of its thread: the recipient's unread {@code new_message}
     * notification there (count, authors, text, actor and list position updated in place), or a new group of one
     * if they have none (read or never notified). {@code recipients} selects one column of user ids, binding
     * {@code recipientParams}. The message joins notification_group_messages, so it counts once per group and
     * leaves it when deleted. Returns the groups as stored, for their pushes. The open group is found by the unique
     * index notifications_open_group; a read mark committed meanwhile makes the UPDATE skip it (its WHERE is
     * re-checked) and a new group starts.
     */
    public List<Notification> collectInGroups(String recipients, Object[] recipientParams, long threadId,
            String threadText, long messageId, Actor author) {
        Object[] args = {author.id(), author.username(), author.role(), threadId, messageId, threadText};
        return sql.list("""
                WITH args (author_id, author_username, author_role, thread_id, message_id, thread_text) AS (
                    VALUES (?::bigint, ?::text, ?::text, ?::bigint, ?::bigint, ?::text)),
                recipients AS (
                    SELECT r.user_id, g.id AS group_id, g.message_count + 1 AS message_count,
                           ARRAY[a.author_username] || array_remove(g.authors, a.author_username) AS authors
                    FROM (%1$s) r (user_id) CROSS JOIN args a
                    LEFT JOIN notifications g ON g.user_id = r.user_id AND g.thread_id = a.thread_id
                         AND g.type = '%2$s' AND NOT g.is_read),
                bumped AS (
                    UPDATE notifications n SET title = 'New messages', message_count = r.message_count,
                           authors = r.authors, content = new_messages_text(r.message_count, r.authors, a.thread_text),
                           actor_id = a.author_id, actor_username = a.author_username, actor_role = a.author_role,
                           updated_at = now(), activity = nextval('notifications_activity_seq')
                    FROM recipients r, args a WHERE n.id = r.group_id AND NOT n.is_read
                    RETURNING n.*),
                created AS (
                    INSERT INTO notifications (user_id, type, title, content, thread_id, message_id, actor_id,
                                               actor_username, actor_role, authors)
                    SELECT r.user_id, '%2$s', 'New message', new_messages_text(1, ARRAY[a.author_username], a.thread_text),
                           a.thread_id, a.message_id, a.author_id, a.author_username, a.author_role,
                           ARRAY[a.author_username]
                    FROM recipients r, args a WHERE NOT EXISTS (SELECT 1 FROM bumped b WHERE b.user_id = r.user_id)
                    RETURNING *),
                grouped AS (
                    INSERT INTO notification_group_messages (notification_id, message_id, author_id, author_username,
                                                             author_role)
                    SELECT g.id, a.message_id, a.author_id, a.author_username, a.author_role
                    FROM (SELECT id FROM bumped UNION ALL SELECT id FROM created) g, args a)
                SELECT %3$s FROM bumped UNION ALL SELECT %3$s FROM created""".formatted(recipients,
                        NotificationType.NEW_MESSAGE, COLUMNS),
                NotificationRepository::notification, concat(args, recipientParams));
    }

    /**
     * Takes deleted messages out of their groups: each group that keeps messages gets its count, first message,
     * authors, text and latest author recomputed from what is left. Groups left empty keep their (deleted) first
     * message, so {@link #DELETE_FOR_MESSAGES}, run next, deletes them. Counts do not change: a group counts once.
     */
    public int shrinkGroups(long[] messageIds) {
        return sql.update("""
                WITH gone AS (
                    DELETE FROM notification_group_messages WHERE message_id = ANY(?) RETURNING notification_id),
                per_author AS (
                    SELECT g.notification_id, g.author_username, count(*) AS messages,
                           min(g.message_id) AS first_message, max(g.message_id) AS last_message
                    FROM notification_group_messages g
                    WHERE g.notification_id IN (SELECT notification_id FROM gone) AND g.message_id <> ALL(?)
                    GROUP BY g.notification_id, g.author_username),
                remaining AS (
                    SELECT notification_id, sum(messages)::int AS message_count, min(first_message) AS first_message,
                           max(last_message) AS last_message,
                           coalesce(array_agg(author_username ORDER BY last_message DESC)
                                    FILTER (WHERE author_username IS NOT NULL), '{}') AS authors
                    FROM per_author GROUP BY notification_id)
                UPDATE notifications n SET message_count = r.message_count, message_id = r.first_message,
                       authors = r.authors,
                       title = CASE WHEN r.message_count = 1 THEN 'New message' ELSE 'New messages' END,
                       content = new_messages_text(r.message_count, r.authors,
                               '\u201c' || coalesce((SELECT t.title FROM threads t WHERE t.id = n.thread_id), '') || '\u201d'),
                       actor_id = l.author_id, actor_username = l.author_username, actor_role = l.author_role
                FROM remaining r JOIN notification_group_messages l
                     ON l.notification_id = r.notification_id AND l.message_id = r.last_message
                WHERE n.id = r.notification_id""", messageIds, messageIds);
    }

    /**
     * A notification whose thread its recipient can no longer read (deleted, or its tier raised above theirs) is not
     * listed: notifications follow their thread's readability (docs/security.md, 3).
     */
    static final String READABLE_BY_RECIPIENT = " AND NOT EXISTS (SELECT 1 FROM threads t"
            + " JOIN users u ON u.id = notifications.user_id WHERE t.id = notifications.thread_id"
            + " AND (t.deleted OR (u.role = 'member' AND u.tier_cents < t.min_tier_cents)))";

    /** Newest activity first (a group moves up with each message); {@code before} is an {@code activity} cursor. */
    public List<Notification> findPage(long userId, int limit, Long before, boolean unreadOnly) {
        return sql.list("SELECT " + COLUMNS + " FROM notifications WHERE user_id = ? AND activity < ?"
                        + (unreadOnly ? " AND NOT is_read" : "") + READABLE_BY_RECIPIENT
                        + " ORDER BY activity DESC LIMIT ?",
                NotificationRepository::notification, userId, before == null ? Long.MAX_VALUE : before, limit);
    }

    /** Whether the user already has a notification about this message (a reply is notified once). */
    public boolean existsForMessage(long messageId, long userId) {
        return sql.count("SELECT count(*) FROM notifications WHERE message_id = ? AND user_id = ?", messageId, userId) > 0;
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

    /**
     * Deletes the notifications of (deleted) messages, and groups left empty (run {@link #shrinkGroups} first); one
     * row {@code (user_id, thread_id, was_unread)} each.
     */
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
                rs.getInt("message_count"), List.of((String[]) rs.getArray("authors").getArray()),
                rs.getBoolean("is_read"), Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"),
                rs.getLong("activity"));
    }
}
