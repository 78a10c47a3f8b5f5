package dev.forum.api.warmup.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.forum.api.auth.Caller;
import dev.forum.api.common.PostRateLimiter;
import dev.forum.api.common.Times;
import dev.forum.api.config.ForumConfig;
import dev.forum.api.message.mapping.MessageView;
import dev.forum.api.message.rest.MessageRequests;
import dev.forum.api.message.service.MessageService;
import dev.forum.api.outbox.mapping.OutboxRows;
import dev.forum.api.outbox.service.OutboxPublisher;
import dev.forum.api.thread.ForumThread;
import dev.forum.api.user.User;
import dev.forum.api.user.service.AuthService;
import dev.forum.api.user.service.SessionCache;
import dev.forum.contract.Channels;
import dev.forum.contract.EventEnvelope;
import dev.forum.contract.Role;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.redis.datasource.RedisDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.UserTransaction;
import jakarta.validation.Validator;
import org.hibernate.Session;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One round of forum-api's hot write path that leaves nothing behind, for the start-up warm-up ({@link WarmUpRunner}):
 * the JIT compilers see the code a post runs before the first real post arrives.
 *
 * <h2>What a round runs</h2>
 * One transaction: a synthetic user (a name registration refuses, so it can never meet a real one), its session and
 * a thread; then, per post, the request body's JSON decoding and validation, the token hash and session lookup through
 * {@link SessionCache} ({@link AuthService#resolveToken}: a miss, then hits), {@link MessageService#persistMessage}
 * (the post limit's Redis script, the thread read, the message insert, Markdown rendering and sanitising with the
 * mention lookup, the event's JSON, the outbox insert, the follow, the thread's counters) and the response's JSON
 * encoding; last, the round's outbox rows are numbered in a stream of their own (a negative shard epoch, which no
 * epoch has) by one {@code UPDATE ... RETURNING} as the relay's numbering step numbers a step's rows, read back into
 * envelopes as the event feed serves them and into the relay's envelope text, which {@link OutboxPublisher}
 * publishes as the relay does, pipelined per shard, on the warm-up's own channels ({@link #channels}).
 *
 * <h2>Why nothing lasts</h2>
 * The transaction always rolls back, so no row of it is ever visible to anyone. What a rollback does not undo:
 * <ul>
 *   <li>sequences advance: the ids of users, sessions, threads, messages and the outbox's {@code write_order} skip
 *       some values, which nothing relies on (the outbox {@code seq} is not a sequence: the relay gives it to
 *       committed rows only, under its state row lock, so it stays gap-free);</li>
 *   <li>the NOTIFY queued by each outbox insert is delivered only on commit: the relay is not woken;</li>
 *   <li>the relay's watermark ({@code numbered_xmin}, see OutboxRelay): while a round runs, its transaction id holds
 *       the watermark back, as any writer's does, for one short transaction; an aborted transaction's rows never
 *       become visible, so no numbering step ever needs to see them, and once the round is over the watermark
 *       moves past its id as usual;</li>
 *   <li>dead row versions, which autovacuum removes as for any rolled-back write;</li>
 *   <li>the session cache entry of the synthetic token: evicted at the end of the round
 *       ({@link SessionCache#evictUser} evicts this replica's entries at once; its NOTIFY is not delivered).</li>
 * </ul>
 * Redis: the posts are counted by {@link PostRateLimiter}'s script on a key of the round's own
 * ({@code <ns>:ratelimit:posts:warm-up~<uuid>}: a user's key ends in a number), removed at the end of the round
 * ({@link PostRateLimiter#forget}; if Redis cannot be reached then, it expires after the window). The envelopes are
 * published on {@code <ns>:warm-up:events:{<shard>}}, which no service subscribes and the pattern of every events
 * channel ({@code <ns>:events:*}) does not match; with no subscriber Redis drops them. Their publishes are counted in
 * a meter registry of the warm-up's own, not in {@code forum_outbox_published_total}. The relay itself (numbering,
 * its state rows, its watermark) is not run: it numbers committed rows only.
 */
@ApplicationScoped
public class WarmUpService {

    /** Not a name registration accepts ({@code [A-Za-z0-9_.-]}), nor a user id (the post limit's keys). */
    private static final String USERNAME_PREFIX = "warm-up~";
    /** Under the namespace, before {@code :events:}: the warm-up's channels are not events channels. */
    private static final String CHANNELS = ":warm-up";
    static final String[] CONTENTS = {
            "A plain message of about a hundred bytes, as most posts are: some words, a number 42, and a full stop.",
            "Some **bold**, some _emphasis_, `code`, a link https://example.org/forum?q=warm and a mention @nobody_here.",
            "> a quote\n\n- a list item\n- another one with [a link](https://example.org/a)\n\n```\ncode block\n```",
    };

    private final MessageService messages;
    private final AuthService auth;
    private final SessionCache sessions;
    private final OutboxRows rows;
    private final ObjectMapper json;
    private final Validator validator;
    private final EntityManager em;
    private final UserTransaction transaction;
    private final PostRateLimiter postLimit;
    private final OutboxPublisher publisher;
    /** The stream the rounds number their rows in: no epoch's (epochs start at 1). */
    private final int shardEpoch = -1 - ThreadLocalRandom.current().nextInt(1 << 30);
    private boolean publishing = true;
    private volatile int published;

    public WarmUpService(MessageService messages, AuthService auth, SessionCache sessions, OutboxRows rows,
                         ObjectMapper json, Validator validator, EntityManager em, UserTransaction transaction,
                         PostRateLimiter postLimit, RedisDataSource redis, ForumConfig config) {
        this.messages = messages;
        this.auth = auth;
        this.sessions = sessions;
        this.rows = rows;
        this.json = json;
        this.validator = validator;
        this.em = em;
        this.transaction = transaction;
        this.postLimit = postLimit;
        this.publisher = new OutboxPublisher(redis.getReactive().getRedis(), channels(config.redis().namespace()),
                config.redis().mode(), new SimpleMeterRegistry());
    }

    /** The warm-up's channels: {@code <ns>:warm-up:events:{<shard>}}, which no one subscribes. */
    public static Channels channels(String namespace) {
        return new Channels(namespace + CHANNELS, Channels.DEFAULT_SHARD_COUNT);
    }

    /** Events the rounds published to the warm-up's channels so far. */
    public int published() {
        return published;
    }

    /** Runs {@code posts} posts in one transaction that rolls back, whatever happens. */
    public void runRound(int posts) throws Exception {
        String postLimitKey = USERNAME_PREFIX + UUID.randomUUID();
        transaction.begin();
        try {
            User user = syntheticUser();
            String token = auth.openSession(user);
            ForumThread thread = syntheticThread(user);
            Long replyTo = null;
            for (int i = 0; i < posts; i++) {
                byte[] request = json.writeValueAsBytes(
                        new MessageRequests.PostMessage(CONTENTS[i % CONTENTS.length], i % 4 == 3 ? replyTo : null));
                MessageRequests.PostMessage body = json.readValue(request, MessageRequests.PostMessage.class);
                validator.validate(body);
                Caller caller = auth.resolveToken(token).orElseThrow();
                MessageView view = messages.persistMessage(caller, thread.id, body.content(), body.replyToId(),
                        userId -> postLimit.tryAcquire(postLimitKey)).orElseThrow();
                json.writeValueAsBytes(view);
                replyTo = view.id();
            }
            publish(numberEvents(thread.id));
            sessions.evictUser(user.id);
        } finally {
            try {
                transaction.rollback();
            } finally {
                postLimit.forget(postLimitKey);
            }
        }
    }

    /**
     * Numbers the round's own outbox rows in a stream of their own ({@link #shardEpoch}: epochs are positive, and a
     * random one keeps two replicas' warm-ups apart in the unique index of positions), seq 1.. per shard, in one
     * {@code UPDATE ... RETURNING} as the relay's numbering step does, and reads the rows back as the event feed serves
     * them (envelopes, encoded) and as the relay publishes them (returned, by shard and seq).
     */
    private List<OutboxRows.Publishable> numberEvents(long threadId) throws JsonProcessingException {
        List<EventEnvelope> feed = new ArrayList<>();
        List<OutboxRows.Publishable> batch = new ArrayList<>();
        em.unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement st = connection.prepareStatement("""
                    UPDATE outbox_event e SET shard_epoch = ?, seq = n.seq
                    FROM (SELECT id, row_number() OVER (PARTITION BY shard ORDER BY write_order) AS seq
                          FROM outbox_event WHERE thread_id = ?) n
                    WHERE e.id = n.id
                    RETURNING\s""" + OutboxRows.returning("e"))) {
                st.setInt(1, shardEpoch);
                st.setLong(2, threadId);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        batch.add(rows.publishable(rs));
                        feed.add(rows.envelope(rs));
                    }
                }
            }
        });
        json.writeValueAsBytes(feed);
        batch.sort(Comparator.comparing(OutboxRows.Publishable::shard).thenComparingLong(OutboxRows.Publishable::seq));
        return batch;
    }

    /** As the relay publishes a step's events; if Redis refuses, the next rounds go on without publishing. */
    private void publish(List<OutboxRows.Publishable> batch) {
        if (!publishing) {
            return;
        }
        Map<Integer, Long> done = publisher.publish(batch);
        if (done.size() < batch.stream().map(OutboxRows.Publishable::shard).distinct().count()) {
            Log.warnf("Warm-up: publishing to Redis failed; its next rounds go on without publishing");
            publishing = false;
            return;
        }
        published += batch.size();
    }

    private static User syntheticUser() {
        User user = new User();
        user.username = USERNAME_PREFIX + UUID.randomUUID().toString().substring(0, 8);
        user.displayName = "warm-up";
        user.passwordHash = "!";
        user.role = Role.MEMBER.wireName();
        user.persist();
        return user;
    }

    private static ForumThread syntheticThread(User user) {
        ForumThread thread = new ForumThread();
        thread.title = "warm-up";
        thread.author = user;
        thread.createdAt = Times.now();
        thread.lastActivityAt = thread.createdAt;
        thread.persist();
        return thread;
    }
}
