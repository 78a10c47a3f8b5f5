package dev.forum.notify.projection;

import dev.forum.contract.Role;
import dev.forum.contract.payload.ThreadUpdates;
import dev.forum.contract.payload.ThreadView;
import dev.forum.contract.payload.UserView;
import dev.forum.notify.db.Sql;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * The projections this service keeps from forum-api's events: users, threads, followers, messages'
 * authors, the @everyone kill switch and per-user @everyone restrictions. Writes join the
 * transaction of the event being processed.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ProjectionService {

    private final Sql sql;

    public ProjectionService(Sql sql) {
        this.sql = sql;
    }

    public void upsertUser(UserView user) {
        if (user == null) {
            Log.warn("user event without user");
            return;
        }
        sql.update("""
                INSERT INTO users (id, username, display_name, role, tier_cents) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET username = EXCLUDED.username, display_name = EXCLUDED.display_name,
                    role = EXCLUDED.role, tier_cents = EXCLUDED.tier_cents""",
                user.id(),
                user.username() == null ? "" : user.username().toLowerCase(Locale.ROOT),
                user.displayName(),
                (user.role() == null ? Role.MEMBER : user.role()).wireName(),
                user.tierCents());
    }

    public void upsertThread(ThreadView thread) {
        sql.update("""
                INSERT INTO threads (id, title, min_tier_cents, deleted, parent_thread_id) VALUES (?, ?, ?, false, ?)
                ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, min_tier_cents = EXCLUDED.min_tier_cents,
                    parent_thread_id = EXCLUDED.parent_thread_id""",
                thread.id(),
                thread.title() == null ? "" : thread.title(),
                thread.minTierCents(),
                thread.parentThreadId());
    }

    /** thread_updated: only the fields present in {@code updates} change. */
    public void updateThread(long threadId, Integer minTierCents, ThreadUpdates updates) {
        ensureThread(threadId, minTierCents);
        if (updates == null) {
            return;
        }
        if (updates.title() != null) {
            sql.update("UPDATE threads SET title = ? WHERE id = ?", updates.title(), threadId);
        }
        if (updates.minTierCents() != null) {
            sql.update("UPDATE threads SET min_tier_cents = ? WHERE id = ?", updates.minTierCents(), threadId);
        }
    }

    public void deleteThread(long threadId) {
        sql.update("UPDATE threads SET deleted = true WHERE id = ?", threadId);
    }

    /** A thread first seen through a message (its creation predates what the feed still holds). */
    public void ensureThread(long threadId, Integer minTierCents) {
        sql.update("INSERT INTO threads (id, min_tier_cents) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", threadId,
                minTierCents == null ? 0 : minTierCents);
    }

    public void follow(long threadId, long userId) {
        sql.update("INSERT INTO thread_followers (thread_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                threadId, userId);
    }

    public void unfollow(long threadId, long userId) {
        sql.update("DELETE FROM thread_followers WHERE thread_id = ? AND user_id = ?", threadId, userId);
    }

    public void recordMessage(long messageId, long threadId, long userId) {
        sql.update("""
                INSERT INTO messages (id, thread_id, user_id) VALUES (?, ?, ?)
                ON CONFLICT (id) DO NOTHING""", messageId, threadId, userId);
    }

    public void deleteMessages(long[] messageIds) {
        sql.update("DELETE FROM messages WHERE id = ANY(?)", messageIds);
    }

    public void setEveryoneDisabled(boolean disabled, String message) {
        sql.update("UPDATE everyone_switch SET disabled = ?, message = ?, updated_at = now() WHERE id = 1", disabled,
                message);
    }

    public void restrictEveryone(long userId, String reason, Instant until) {
        sql.update("""
                INSERT INTO everyone_restrictions (user_id, reason, until) VALUES (?, ?, ?)
                ON CONFLICT (user_id) DO UPDATE SET reason = EXCLUDED.reason, until = EXCLUDED.until""",
                userId, reason, until);
    }

    public void unrestrictEveryone(long userId) {
        sql.update("DELETE FROM everyone_restrictions WHERE user_id = ?", userId);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<UserRow> findUserById(long id) {
        return sql.one("SELECT id, username, role, tier_cents FROM users WHERE id = ?", ProjectionService::user, id);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<ThreadRow> findThreadById(long id) {
        return sql.one("SELECT id, title, min_tier_cents, deleted, parent_thread_id FROM threads WHERE id = ?",
                rs -> new ThreadRow(rs.getLong("id"), rs.getString("title"), rs.getInt("min_tier_cents"),
                        rs.getBoolean("deleted"), (Long) rs.getObject("parent_thread_id")),
                id);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<MessageRow> findMessageById(long id) {
        return sql.one("SELECT id, thread_id, user_id FROM messages WHERE id = ?",
                rs -> new MessageRow(rs.getLong(1), rs.getLong(2), rs.getLong(3)), id);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public boolean isEveryoneDisabled() {
        return sql.one("SELECT disabled FROM everyone_switch WHERE id = 1", rs -> rs.getBoolean(1)).orElse(false);
    }

    @Transactional(Transactional.TxType.SUPPORTS)
    public Optional<EveryoneRestriction> findEveryoneRestriction(long userId) {
        return sql.one("SELECT user_id, reason, until FROM everyone_restrictions WHERE user_id = ?",
                rs -> new EveryoneRestriction(rs.getLong(1), rs.getString(2), Sql.instant(rs, "until")), userId);
    }

    static UserRow user(ResultSet rs) throws SQLException {
        return new UserRow(rs.getLong("id"), rs.getString("username"), Role.fromWireName(rs.getString("role")),
                rs.getInt("tier_cents"));
    }
}
