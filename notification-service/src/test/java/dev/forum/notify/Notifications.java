package dev.forum.notify;

import dev.forum.notify.db.Sql;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.List;

/** Reads the notifications table the way assertions need it. */
@ApplicationScoped
public class Notifications {

    public record Row(long userId, String type, Long threadId, Long messageId, String content, boolean read) {
    }

    private final Sql sql;

    public Notifications(Sql sql) {
        this.sql = sql;
    }

    /** The user's notifications except new_thread ones (every fixture thread leaves those). */
    @Transactional
    public List<Row> forUser(long userId) {
        return allForUser(userId).stream().filter(r -> !"new_thread".equals(r.type())).toList();
    }

    @Transactional
    public List<Row> allForUser(long userId) {
        return sql.list("SELECT user_id, type, thread_id, message_id, content, is_read FROM notifications "
                        + "WHERE user_id = ? ORDER BY id",
                rs -> new Row(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), (Long) rs.getObject(4),
                        rs.getString(5), rs.getBoolean(6)), userId);
    }

    @Transactional
    public List<String> typesForUser(long userId) {
        return forUser(userId).stream().map(Row::type).toList();
    }

    @Transactional
    public long countForMessage(long messageId, String type) {
        return sql.count("SELECT count(*) FROM notifications WHERE message_id = ? AND type = ?", messageId, type);
    }
}
