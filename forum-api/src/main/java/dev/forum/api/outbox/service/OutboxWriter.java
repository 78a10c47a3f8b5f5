package dev.forum.api.outbox.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.outbox.NewEvent;
import dev.forum.api.user.service.SessionCache;
import dev.forum.contract.EventShards;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.UUID;

/**
 * Writes an event into {@code outbox_event} inside the caller's transaction (MANDATORY: an event without its
 * change, or a change without its event, cannot happen), with its shard ({@link EventShards}), and has it numbered
 * before that transaction commits when that is free, and published or the owner of that shard's relay partition woken
 * once it committed ({@link OutboxWakeup}: not a NOTIFY inside the transaction, which would serialise every writer's
 * commit). Events that change a user's sessions or standing
 * ({@link SessionCache#SESSION_EVENTS}) also evict that user's cached sessions on every replica.
 */
@ApplicationScoped
public class OutboxWriter {

    /** The channel the relays' lock sessions LISTEN on (payload: a shard), for commits on other replicas. */
    public static final String NOTIFY_CHANNEL = "forum_outbox";

    /**
     * The shard is computed here, from the shard count of the current epoch (this replica's own count only before the
     * first epoch is opened), not from this replica's setting: during a change of {@code forum.events.shard-count} a
     * replica still configured with the old count writes into the new epoch's shards like the others (a row in a
     * shard of the old count would be numbered in the wrong stream, or, past the new count, never). Reading
     * {@code outbox_shard_epoch} holds its table lock (ACCESS SHARE) to the commit, which {@link ShardEpochs#open()}
     * waits for before it opens an epoch and re-shards what is unnumbered. Parameters: the event's columns, its shard
     * key twice ({@link EventShards#shardKey}), this replica's count.
     */
    private static final String INSERT = """
            INSERT INTO outbox_event (id, aggregate_type, aggregate_id, type, audience, thread_id, user_id,
                                      min_tier_cents, payload, message_delta, shard, committed_at)
            SELECT ?, ?, ?, ?, ?, ?, ?, ?, CAST(? AS json), ?,
                   CASE WHEN ?::bigint IS NULL THEN -1
                        ELSE mod(mod(?::bigint, n.shard_count) + n.shard_count, n.shard_count)::int END,
                   clock_timestamp()
            FROM (SELECT coalesce((SELECT shard_count FROM outbox_shard_epoch ORDER BY epoch DESC LIMIT 1), ?)
                         AS shard_count) n
            RETURNING shard""";

    private final EntityManager em;
    private final ObjectMapper json;
    private final SessionCache sessions;
    private final OutboxWakeup wakeup;
    private final int shardCount;

    public OutboxWriter(EntityManager em, ObjectMapper json, SessionCache sessions, OutboxWakeup wakeup,
                        ForumConfig config) {
        this.em = em;
        this.json = json;
        this.sessions = sessions;
        this.wakeup = wakeup;
        this.shardCount = config.events().shardCount();
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public UUID write(NewEvent event) {
        UUID id = UUID.randomUUID();
        String payload;
        try {
            payload = json.writeValueAsString(event.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event payload not serialisable: " + event.type(), e);
        }
        Long shardKey = EventShards.shardKey(event.audience(), event.threadId());
        em.flush();
        int shard = em.unwrap(Session.class).doReturningWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                insert.setObject(1, id);
                insert.setString(2, event.aggregateType());
                insert.setString(3, event.aggregateId());
                insert.setString(4, event.type().wireName());
                insert.setString(5, event.audience().wireName());
                setLong(insert, 6, event.threadId());
                setLong(insert, 7, event.userId());
                if (event.minTierCents() == null) {
                    insert.setNull(8, Types.INTEGER);
                } else {
                    insert.setInt(8, event.minTierCents());
                }
                insert.setString(9, payload);
                insert.setInt(10, event.messageDelta());
                setLong(insert, 11, shardKey);
                setLong(insert, 12, shardKey);
                insert.setInt(13, shardCount);
                try (ResultSet rs = insert.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
        wakeup.written(shard);
        if (SessionCache.SESSION_EVENTS.contains(event.type()) && event.userId() != null) {
            sessions.evictUser(event.userId());
        }
        return id;
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws java.sql.SQLException {
        if (value == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, value);
        }
    }
}
